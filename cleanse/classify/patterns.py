"""The regular expressions and word lists the line features match: words, sentence ends, bullets,
separators, URLs, and the cue lexicons of page furniture (share bars, menus, notices, bylines,
credits, dates, counters, the headers that end an article). cleanse.classify.features applies them."""

from __future__ import annotations

import re

WORD_RE = re.compile(r"[^\W\d_]+")
CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
# A Latin sentence mark ends a sentence before a space; a CJK one (。！？) needs none, the next
# sentence follows at once (Chinese and Japanese put no spaces between sentences).
SENT_END_RE = re.compile(r"[.!?…][\"'”’»)\]）」』】]*(?:\s|$)|[。！？][\"'”’»)\]）」』】]*")
DIGIT_RE = re.compile(r"\d")
CAP_START_RE = re.compile(r"(?<!\S)[A-Z]")  # a capital opening a word (ASCII text)
SEPARATOR_RE = re.compile(r"(?:^|\s)[|•▪·›»/–\-](?=\s)|\s[|▪•·›]\S?")
BULLET_RE = re.compile(r"^(?:[•◦▪‣∙·*+–—-]\s|\(?\d{1,3}[.)]\s|\(?[a-z][.)]\s)")
# `\S\.com` rather than `\b\S+\.com`: the same lines, without backtracking over every token.
URL_RE = re.compile(r"https?://|www\.|\S\.(?:com|org|net|fr|de|co\.uk|io)\b", re.IGNORECASE)
CLOSERS = "\"'”’»)]*）」』】"
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
FUNCTION_TAIL = frozenset(
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
