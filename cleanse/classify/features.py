"""Per-line features for the boilerplate classifier: shape, punctuation, stop-word density and cues.

Everything here looks at one line only; the document context (neighbours, position, runs of
short lines) is the classifier's job. Cues are small multilingual word lists of what menus,
share bars, counters, bylines and credits say; they are evidence to weigh, never a verdict alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

# Analyse at most this many characters of a line: a paragraph's first 800 characters say
# everything a feature needs, and it bounds the time spent on very long lines.
_MAX_SCAN = 800

WORD_RE = re.compile(r"[^\W\d_]+")
CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
# A Latin sentence mark ends a sentence before a space; a CJK one (。！？) needs none, the next
# sentence follows at once (Chinese and Japanese put no spaces between sentences).
SENT_END_RE = re.compile(
    r"[.!?…][\"'”’»)\]）」』】]*(?:\s|$)|[。！？][\"'”’»)\]）」』】]*"  # noqa: RUF001 - CJK marks
)
DIGIT_RE = re.compile(r"\d")
CAP_START_RE = re.compile(r"(?<!\S)[A-Z]")  # a capital opening a word (ASCII text)
SEPARATOR_RE = re.compile(r"(?:^|\s)[|•▪·›»/–\-](?=\s)|\s[|▪•·›]\S?")
BULLET_RE = re.compile(r"^(?:[•◦▪‣∙·*+–—-]\s|\(?\d{1,3}[.)]\s|\(?[a-z][.)]\s)")
# `\S\.com` rather than `\b\S+\.com`: the same lines, without backtracking over every token.
URL_RE = re.compile(r"https?://|www\.|\S\.(?:com|org|net|fr|de|co\.uk|io)\b", re.IGNORECASE)
CLOSERS = "\"'”’»)]*）」』】"  # noqa: RUF001 - fullwidth closers of CJK text
SENT_PUNCT = ".!?…。！？"

# --- cue lexicons (lower-cased, matched on short lines) -------------------------------------
# Written for this project from the vocabulary of share bars, menus and page furniture in
# English, French and a few other languages.
_SHARE = (
    r"share|shares|sharing|tweet|retweet|pin it|e-?mail|print|partager|partage|imprimer|envoyer"
    r"|facebook|twitter|linkedin|whatsapp|pinterest|reddit|google\+|messenger|tumblr|instagram"
    r"|youtube|flipboard|rss|copy link|copier le lien|compartir|teilen|condividi|compartilhar"
)
_NAV = (
    r"home|accueil|menu|search|rechercher|recherche|skip to (?:main )?content|skip to navigation"
    r"|back to top|haut de page|close|fermer|next|previous|prev|suivant|précédent|more|show more"
    r"|read more|see more|view more|load more|lire la suite|voir plus|en savoir plus|continue reading"
    r"|advertisement|advertising|publicité|sponsored|ad|ads|related|related articles|related stories"
    r"|most popular|most read|trending|topics|tags?|categories|archives|sections|about us|contact"
    r"|contact us|help|faq|sitemap|plan du site|newsletters?|video|videos|vidéos?|photos?|podcasts?"
    r"|mentions légales|cgu|cgv|jobs|careers|sign in|sign up|log in|login|log out|register|connexion"
    r"|se connecter|s'inscrire|inscription|mon compte|my account|subscribe|s'abonner|abonnez-vous"
    r"|subscriptions?|abonnements?|privacy|privacy policy|cookie policy|terms|terms of use"
    r"|terms of service|terms & conditions|all rights reserved|tous droits réservés|imprint"
    r"|impressum|español|english|français|deutsch|toggle navigation|navigation|main menu"
)
_SOCIAL_PHRASE = (
    r"(?:share|partager|post) (?:on|via|sur|par) |follow us|suivez-nous|follow @|like us on"
    r"|sign up for|subscribe to|abonnez-vous à|inscrivez-vous|get the newsletter|recevez nos"
    r"|newsletter|^reply$|^répondre$|report abuse|^signaler|comments?$|commentaires?$|\bsays:$"
    r"|\ba dit ?:$|leave a (?:comment|reply)|laisser un commentaire|^permalink$|click here"
    r"|cliquez ici|read the full|download the app|téléchargez l'application|accept cookies"
    r"|accepter les cookies|we use cookies|nous utilisons des cookies|cookies? settings"
    r"|^(?:share|partager) (?:this|cet article|l'article)\W*$|^like this:$|^like loading|^cancel reply$"
    r"|^annuler la réponse$|required fields are marked|champs obligatoires sont indiqués"
    r"|your email address will not be published|adresse (?:e-?mail|de messagerie) ne sera pas publiée"
)
_NOTICE = (
    r"cookies?\b.*\b(?:accept|consent|agree|use|utilisation|navigation|acceptez|continuing|browsing)"
    r"|all rights reserved|tous droits réservés|©|copyright \d|\bterms of (?:use|service)"
    r"|privacy policy|politique de confidentialité|newsletter.*e-?mail|e-?mail.*newsletter"
    r"|comments? (?:are|is) (?:moderated|closed)|commentaires? (?:sont|est) (?:modérés?|fermés?)"
    r"|by (?:continuing|using this site)|en poursuivant votre navigation|this (?:material|article) may"
    r" not be (?:published|reproduced)|javascript (?:is )?(?:disabled|required)|enable javascript"
)
# Headers that open a block of foreign content after an article: related links, comments.
_TAIL = (
    r"related|related (?:articles|stories|posts|content|coverage|links|news)|more (?:stories|news"
    r"|from [\w .&'’-]+|on this (?:story|topic)|in [\w .&'’-]+|like this|to explore|videos)"
    r"|recommended(?: for you| stories| articles| reading)?|you (?:may|might) (?:also )?(?:like|enjoy)"
    r"|most (?:popular|read|viewed|shared|emailed|commented)|trending(?: now| stories)?|comments?"
    r"|\d+ (?:comments?|responses?|replies|commentaires?|réactions?)|leave a (?:reply|comment)"
    r"|read (?:next|more)|what to read next|up next|next up(?: in [\w ]+)?|latest(?: news| stories)?"
    r"|around the web|from around the web|sponsored (?:content|stories|links)|promoted stories"
    r"|sur le même sujet|les plus (?:lus|partagés|commentés)|articles? (?:similaires|liés|connexes"
    r"|recommandés)|vous aimerez (?:aussi|également)|à lire (?:aussi|également)|dans la même rubrique"
    r"|commentaires?|réagissez|réactions|à voir aussi|nos (?:dernières )?vidéos|lire la suite"
    r"|toute l'actualité|dernières (?:infos|actualités|nouvelles)"
)
TAIL_RE = re.compile(rf"^(?:{_TAIL})\s*(?:\(\d+\))?[\s:»›>.…]*$")
# The headers among them after which nothing belongs to the article any more: a comment section
# or a block of other articles. ('Related', 'Read more', 'Lire aussi' stand inside articles too,
# and a lone 'Comment' is as often the button of a share bar.)
_END = (
    r"comments|\d+ (?:comments?|responses?|replies|commentaires?|réactions?)"
    r"|(?:view|show|see|read) (?:all )?(?:the )?(?:\d+ )?comments?|there (?:are|is) \d+ comments?"
    r"|leave a (?:reply|comment)|(?:post|add|write) a comment|join the (?:conversation|discussion)"
    r"|related (?:articles|stories|posts|content|coverage)|more stories|recommended(?: for you"
    r"| stories| articles| reading)?|you (?:may|might) (?:also )?(?:like|enjoy)"
    r"|most (?:popular|read|viewed|shared|emailed|commented)|(?:from )?around the web"
    r"|sponsored (?:content|stories|links)|promoted stories|sur le même sujet"
    r"|les plus (?:lus|partagés|commentés)|articles? (?:similaires|liés|connexes|recommandés)"
    r"|vous aimerez (?:aussi|également)|dans la même rubrique|commentaires|réagissez|vos réactions"
    r"|(?:laisser|ajouter|écrire|poster) un commentaire|(?:voir|afficher|lire) (?:les |tous les )?"
    r"(?:\d+ )?commentaires"
)
END_RE = re.compile(rf"^(?:{_END})\s*(?:\(\d+\))?[\s:»›>.…]*$")
# The furniture of one comment: its action links, 'X says:', 'Name · March 10, 2017 at 12:20 AM'.
COMMENT_ACTIONS = frozenset(
    (
        "reply",
        "répondre",
        "report",
        "signaler",
        "permalink",
        "lien permanent",
        "report abuse",
        "signaler un abus",
        "reply to this comment",
        "répondre à ce commentaire",
        "like",
        "j'aime",
    )
)
COMMENT_META_RE = re.compile(
    r"\b(?:says|said|wrote|a dit|a écrit)\s*:$|\bat \d{1,2}:\d\d\s*(?:am|pm)?$"
    r"|\b(?:le|posté le|publié le) \d{1,2}(?:er)? \w+ \d{4} (?:à|a) \d{1,2}[h:]\d\d$"
)
COMMENTS_WORD_RE = re.compile(
    r"comment|respons|repl|réponse|réaction|réagi|discussion|conversation"
)
IMAGE_FILE_RE = re.compile(r"\S\.(?:jpe?g|png|gif|webp|svg|tiff?)\b")
# A slideshow's counter opening a caption: '3/50 Star Wars boosts economy', '2 of 12', '4 sur 10'.
SLIDE_RE = re.compile(r"^(\d{1,3}) ?(?:/|of|sur|de) ?(\d{1,3})(?!\d)(?![.,:/]\d)")
# '2 comments on “These Weeks in Firefox”', '3 réponses à « … »': a comment section's title.
COMMENTS_ON_RE = re.compile(
    r"^(?:\d+|no|one|two|three) (?:comments?|responses?|replies|thoughts) (?:on|to) "
    r"|^\d+ (?:commentaires?|réponses?|réactions?) (?:sur|à) "
)
YEAR_RE = re.compile(r"^(?:1[5-9]|20)\d\d$")
# Cheap substring checks before the costly notice regex (most lines contain none of them).
NOTICE_TRIGGER_RE = re.compile(
    "cookie|right|droits|©|copyright|terms|privacy|confidentialit|newsletter|comments? (?:are|is)"
    "|commentaires? (?:sont|est)|continuing|en poursuivant|javascript|this material|this article"
    "|using this"
)


def _build_words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words one of whose presence a social or credit phrase needs: a set test is far cheaper than
# running the unanchored alternations on every short line.
SOCIAL_WORDS = _build_words(
    "share partager post follow suivez like sign subscribe abonnez inscrivez get recevez newsletter"
    " newsletters"
    " reply répondre report signaler comment comments commentaire commentaires says dit leave"
    " cancel annuler required champs your adresse"
    " laisser permalink click cliquez read download téléchargez accept accepter we nous cookie"
    " cookies"
)
CREDIT_WORDS = _build_words(
    "photograph photographs photo photos image images picture pictures illustration illustrations"
    " credit credits crédit crédits source sources via vias video videos vidéo vidéos getty"
    " shutterstock istock istockphoto reuters associated ap afp"
)
NOTICE_WORDS = _build_words(
    "cookie cookies rights droits copyright terms privacy confidentialité newsletter newsletters"
    " comment comments commentaire commentaires continuing using poursuivant material article"
    " javascript"
)
SHARE_RE = re.compile(rf"^(?:{_SHARE})(?:\s+(?:{_SHARE}))*[\s:]*$")
NAV_RE = re.compile(rf"^(?:{_NAV})[\s:»›>.…]*$")
SOCIAL_RE = re.compile(_SOCIAL_PHRASE)
NOTICE_RE = re.compile(_NOTICE)
BYLINE_RE = re.compile(
    r"^(?:by|par|von|por|di|door|de|written by|posted by|publié par|écrit par|author:|auteur ?:)"
    r"\s+[\"“]?[A-ZÀ-Ýa-z@]",
    re.IGNORECASE,
)
CREDIT_RE = re.compile(
    r"\b(?:photograph|photo|image|picture|illustration|credit|crédit|source|via|video|vidéo)s?"
    r"\s?:|getty images|shutterstock|istock|reuters|associated press|\bAP\b|\bAFP\b|/ ?AFP",
    re.IGNORECASE,
)
_MONTHS = (
    r"jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july"
    r"|august|september|october|november|december|janv|févr|fév|mars|avr|avril|mai|juin|juil"
    r"|juillet|août|aout|septembre|octobre|novembre|décembre|janvier|février"
)
DATE_RE = re.compile(
    rf"\b\d{{1,2}}[./-]\d{{1,2}}[./-]\d{{2,4}}\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b"
    rf"|\b(?:{_MONTHS})\.?\s+\d{{1,2}}\b|\b\d{{1,2}}(?:st|nd|rd|th|er)?\s+(?:{_MONTHS})\b"
    r"|\b\d{1,2}[:h]\d{2}\b|\b(?:published|updated|posted|publié|mis à jour|modifié)\b",
    re.IGNORECASE,
)
COUNTER_RE = re.compile(
    r"^[\W_]*[\d.,:kKmM%+/ ]+[\W_]*(?:\s*(?:comments?|commentaires?|shares?|partages?|views?|vues"
    r"|likes?|replies|réponses|min(?:ute)?s?(?: read| de lecture)?|points?|votes?|photos?|videos?"
    r"|vidéos?|images?|followers|abonnés|reactions?|réactions?))?[\W_]*$",
    re.IGNORECASE,
)
# Noise words of any language that a menu or label uses but a sentence of prose rarely ends on.
_FUNCTION_TAIL = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "to",
        "and",
        "or",
        "in",
        "on",
        "for",
        "with",
        "le",
        "la",
        "les",
        "de",
        "des",
        "du",
        "et",
        "ou",
        "à",
        "au",
    ]
)


class LineFeatures(NamedTuple):
    """What one line shows on its own; `prose` sums it up in [0, 1]. (A named tuple, immutable:
    built for every line of every page, it costs a third of a frozen dataclass.)"""

    n_chars: int
    n_words: float
    stop_ratio: float  # share of stop words among words; -1.0 when the language has no list
    end_punct: float  # 1 sentence end, 0.5 colon/semicolon, 0 none
    n_sentences: int
    cap_ratio: float
    digit_ratio: float
    alpha_ratio: float
    separators: int
    bullet: bool
    url: bool
    cue: str  # '' or one of: tail, share, nav, social, notice, byline, credit, date, counter
    prose: float
    # A 'tail' header after which nothing belongs to the article (comments, other articles).
    ends_article: bool = False
    comment_meta: bool = False  # a comment's 'Reply' link, 'X says:' or 'Name · date at time'
    links_header: bool = False  # a 'Related' / 'Read more' header (a 'tail' not about comments)
    slide: tuple[int, int] | None = None  # (k, n) of a slideshow counter 'k/n' opening the line


def _end_punct(text: str) -> float:
    stripped = text.rstrip(CLOSERS + " ")
    if not stripped:
        return 0.0
    last = stripped[-1]
    if last in SENT_PUNCT:
        return 1.0
    if last in ":;":
        return 0.5
    return 0.0


def _cue(
    low: str,
    text: str,
    words: list[str],
    n_words: float,
    digit_ratio: float,
    alpha_ratio: float,
) -> str:
    if n_words <= 8 and (TAIL_RE.match(low) or END_RE.match(low)):
        return "tail"
    if YEAR_RE.match(low):
        return ""  # a bare year: a table cell or a dateline more often than a counter
    if n_words <= 6 and (SHARE_RE.match(low) or NAV_RE.match(low)):
        return "nav" if NAV_RE.match(low) else "share"
    if n_words <= 4 and digit_ratio > 0 and COUNTER_RE.match(low):
        return "counter"
    if alpha_ratio < 0.35 and len(text) <= 40 and (digit_ratio > 0 or not words):
        # Digits and symbols ('12 ▲', '| • |'); not a line of dialogue such as '— Ah !', and a
        # dated heading ('2.4.0 - 2026-03-02') is a date.
        return "date" if digit_ratio > 0.05 and DATE_RE.search(low) else "counter"
    if (
        n_words <= 14
        and (not SOCIAL_WORDS.isdisjoint(words) or "newsletter" in low)
        and SOCIAL_RE.search(low)
    ):
        return "social"
    if (
        n_words <= 60
        and (
            not NOTICE_WORDS.isdisjoint(words) or "©" in low or "cookie" in low or "privacy" in low
        )
        and NOTICE_TRIGGER_RE.search(low)
        and NOTICE_RE.search(low)
    ):
        return "notice"
    if n_words <= 8 and BYLINE_RE.match(text) and _looks_like_name(text):
        return "byline"
    if (
        n_words <= 12
        and (not CREDIT_WORDS.isdisjoint(words) or _has_credit_name(low))
        and CREDIT_RE.search(text)
        and not SENT_END_RE.search(text[:-1] + " ")
    ):
        return "credit"
    if n_words <= 8 and "." in low and IMAGE_FILE_RE.search(low):
        return "credit"  # an image's file name: 'WEB18-Facebook-1160x768.jpg'
    if n_words <= 6 and digit_ratio > 0.05 and DATE_RE.search(low):
        return "date"
    return ""


def _slide(low: str) -> tuple[int, int] | None:
    """(k, n) when the line opens with a slideshow counter 'k/n' (1 <= k <= n, n >= 3)."""
    m = SLIDE_RE.match(low)
    if m is None:
        return None
    k, n = int(m.group(1)), int(m.group(2))
    return (k, n) if 1 <= k <= n and n >= 3 else None


def _has_credit_name(low: str) -> bool:
    """Agency names glued to the caption by the scrape ('New LeaderReuters TV')."""
    return "reuters" in low or "getty" in low or "stock" in low or "afp" in low


def _looks_like_name(text: str) -> bool:
    """A byline's tail is capitalised names, not a sentence ('By the time we left, ...')."""
    words = text.split()[1:]
    if not words or words[0].lower() in _FUNCTION_TAIL:
        return False
    caps = sum(1 for w in words if w[:1].isupper() or w[:1] in "@(")
    return caps >= max(1, (len(words) + 1) // 2)


def line_features(line: str, stopwords: frozenset[str] | None) -> LineFeatures:
    """Compute the features of one stripped, non-empty line.

    >>> f = line_features("Share on Facebook", None)
    >>> (f.cue, f.prose < 0.3)
    ('social', True)
    """
    text = line[:_MAX_SCAN]
    n_chars = len(line)
    low = text.lower()
    words = WORD_RE.findall(low)
    ascii_text = text.isascii()
    n_cjk = len(CJK_RE.findall(text)) if not ascii_text else 0
    n_words = len(words) + n_cjk / 2.0 if n_cjk else float(len(words))
    if stopwords is None or not words or n_cjk > len(words):
        stop_ratio = -1.0
    else:
        stop_ratio = sum(map(stopwords.__contains__, words)) / len(words)
    # The same count as DIGIT_RE on ASCII text, without a regex pass.
    n_digits = (
        len(text) - len(text.translate(_NO_ASCII_DIGITS))
        if ascii_text
        else len(DIGIT_RE.findall(text))
    )
    n_alpha = len("".join(words)) + n_cjk
    scan_len = max(len(text), 1)
    digit_ratio = n_digits / scan_len
    alpha_ratio = n_alpha / scan_len
    if n_cjk * 3 >= scan_len:
        # CJK text has no spaces: a 'word' is a whole clause and its first letter, often a Latin
        # name ('DeepMind表示…'), says nothing about Title Case.
        cap_ratio = 0.0
    elif ascii_text:
        # On ASCII text a word opens with a capital exactly when CAP_START_RE matches there.
        n_raw = len(text.split())
        cap_ratio = len(CAP_START_RE.findall(text)) / n_raw if n_raw else 0.0
    else:
        raw_words = text.split()
        cap_ratio = sum([w[0].isupper() for w in raw_words]) / len(raw_words) if raw_words else 0.0
    end = _end_punct(text if n_chars <= _MAX_SCAN else line)
    n_sentences = (
        len(SENT_END_RE.findall(text))
        if not ascii_text or "." in text or "!" in text or "?" in text
        else 0
    )
    cue = _cue(low, text, words, n_words, digit_ratio, alpha_ratio)
    ends = (cue == "tail" and bool(END_RE.match(low))) or (
        n_words <= 20 and low[:1] in _COMMENTS_ON_FIRST and bool(COMMENTS_ON_RE.match(low))
    )
    if ends:
        cue = "tail"
    separators = len(SEPARATOR_RE.findall(text)) if _may_separate(text) else 0
    return LineFeatures(
        n_chars=n_chars,
        n_words=n_words,
        stop_ratio=stop_ratio,
        end_punct=end,
        n_sentences=n_sentences,
        cap_ratio=cap_ratio,
        digit_ratio=digit_ratio,
        alpha_ratio=alpha_ratio,
        separators=separators,
        bullet=bool(BULLET_RE.match(text)),
        url=_may_link(low) and bool(URL_RE.search(text)),
        cue=cue,
        ends_article=ends,
        comment_meta=n_words <= 14
        and (
            low in COMMENT_ACTIONS
            or (low[-1] in _META_LAST and COMMENT_META_RE.search(low) is not None)
        ),
        links_header=cue == "tail" and COMMENTS_WORD_RE.search(low) is None,
        slide=_slide(low) if low[:1].isdigit() and n_words <= 20 else None,
        prose=_prose(
            n_words, end, n_sentences, stop_ratio, cap_ratio, separators, alpha_ratio, cue
        ),
    )


_COMMENTS_ON_FIRST = frozenset("0123456789not")
_NO_ASCII_DIGITS = str.maketrans("", "", "0123456789")
_META_LAST = frozenset(":0123456789m")  # how COMMENT_META_RE's lines end

# Separator characters that count wherever they stand, and those that count only between spaces.
_SEPARATOR_CHARS = frozenset("|•▪·›»\t\xa0\u2009\u202f")  # noqa: RUF001 - separator characters on purpose


def _may_separate(text: str) -> bool:
    """Cheap necessary condition for SEPARATOR_RE: skips the regex on most lines of prose."""
    return (
        not _SEPARATOR_CHARS.isdisjoint(text)
        or " -" in text
        or " /" in text
        or " –" in text  # noqa: RUF001 - separator characters on purpose
        or text[0] in "/–-"  # noqa: RUF001 - separator characters on purpose
    )


def _may_link(low: str) -> bool:
    """Cheap necessary condition for URL_RE (on the lower-cased line)."""
    return (
        "://" in low
        or "www." in low
        or (
            "." in low
            and (
                ".com" in low
                or ".org" in low
                or ".net" in low
                or ".fr" in low
                or ".de" in low
                or ".co.uk" in low
                or ".io" in low
            )
        )
    )


_PROSE_PENALISED_CUES = frozenset(("tail", "share", "nav", "counter", "social", "notice", "byline"))


def _prose(
    n_words: float,
    end_punct: float,
    n_sentences: int,
    stop_ratio: float,
    cap_ratio: float,
    separators: int,
    alpha_ratio: float,
    cue: str,
) -> float:
    """Score how much a line reads like running prose (0 = label, 1 = sentence of a paragraph)."""
    length = min(max((n_words - 3.0) / 12.0, 0.0), 1.0)
    punct = max(end_punct, 0.6 if n_sentences >= 2 else 0.0)
    # No list for this language: a neutral 0.55.
    stop = 0.55 if stop_ratio < 0 else min(stop_ratio / 0.28, 1.0)
    # Title Case Lines Are Headlines Or Menus, sentences are mostly lower case.
    caps_penalty = max(cap_ratio - 0.45, 0.0) if n_words >= 4 else 0.0
    score = length * (0.3 + 0.35 * punct + 0.35 * stop) - caps_penalty
    if separators >= 2:
        score -= 0.15 * min(separators, 4)
    if alpha_ratio < 0.6:
        score -= 0.6 - alpha_ratio
    if cue in _PROSE_PENALISED_CUES:
        score -= 0.4
    return min(max(score, 0.0), 1.0)


# --- per-line cache -----------------------------------------------------------------------------
# Pages repeat lines (menus, share bars, footers), within a page and across the pages of a site:
# the features of a line depend only on its text and the stop-word list, so they are computed once.
# The cache is bounded by the characters it holds and emptied when full (deterministic: an entry
# is the same value `line_features` computes).
_CACHE_MAX_CHARS = 4_000_000
_BATCH_LINES = 8_192  # new lines computed at once (cleanse.classify.line_table)
_CACHE_MAX_LINE = 2_000  # longer lines are computed every time (rarely repeated, costly to hold)
_cache: dict[frozenset[str] | None, dict[str, LineFeatures]] = {}  # stop words -> line -> row
_cache_chars = 0


def lines_features(
    lines: Sequence[str], stopwords: frozenset[str] | None
) -> list[LineFeatures | None]:
    """`line_features` of each stripped line of a document (None for a blank line), computed once
    per distinct line, the lines not seen before all at once (cleanse.classify.line_table)."""
    from cleanse.classify.line_table import lines_table  # noqa: PLC0415 - it imports this module

    global _cache_chars
    cache = _cache.get(stopwords)
    if cache is None:
        cache = _cache[stopwords] = {}
    stripped = list(map(str.strip, lines))
    found = list(map(cache.get, stripped))
    todo = [s for s, f in zip(stripped, found, strict=True) if f is None and s]
    if todo:
        todo = list(dict.fromkeys(todo))
        computed: dict[str, LineFeatures] = {}
        for start in range(0, len(todo), _BATCH_LINES):  # bounded memory on a huge page
            batch = todo[start : start + _BATCH_LINES]
            computed.update(zip(batch, lines_table(batch, stopwords), strict=True))
        for s, f in computed.items():
            if len(s) <= _CACHE_MAX_LINE:
                if _cache_chars > _CACHE_MAX_CHARS:
                    _cache.clear()
                    cache = _cache[stopwords] = {}
                    _cache_chars = 0
                cache[s] = f
                _cache_chars += len(s) + 64
        get = computed.get
        return [f if f is not None else get(s) for s, f in zip(stripped, found, strict=True)]
    return found


def clear_cache() -> None:
    """Empty the per-line cache (benchmarks time cold runs)."""
    global _cache_chars
    _cache.clear()
    _cache_chars = 0
