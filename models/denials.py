"""Denials of hate that repeat the hostile words (group rules v8): the frames a post uses to say a claim
about a group is false, or that the writer does not hate the group.

Why a module of its own: rules up to v7 knew denials as fixed phrases ("siapa bilang", "tidak benar kalau"),
and a development suite written by another hand (models/validation/functional_dev_v8.yaml) showed them
missing the same frames with one word more or in a regional form: "siapa pula yang bilang", "sopo sing
ngomong", "kate siape", "dak bener kalu", "salah pisan", "anggapan bahwa ... tidak berdasar", "dulu aku kira ...
ternyata salah", "Gue? Benci orang X? Kagak lah". Here each frame is a *structure* (who-says question,
a claim noun with a later verdict, a mistaken belief with a pivot, a negated order to say, an objection to a
label, a question answered "no", a negated stance) over canonical words, so variants of a frame share one rule.

Every function reads the token list of models.sara.group_evidence (normalised, particles dropped, regional
function words read as Indonesian). `paired`: positions of the hostile words the rules paired with a group
(negative positions are frames about the group itself, which no denial here answers).
"""

from __future__ import annotations

__all__ = ["canonical", "claim_denied", "answered_no", "negated_stances", "DENIAL_VERSION"]

DENIAL_VERSION = "1"

# Regional and colloquial forms of the words the frames are made of (Palembang, Ambon/Manado, Banjar, Minang,
# Sundanese, Javanese, Betawi). Only in posts that name a group (as models.sara._REGIONAL).
_WORDS = {"bener": "benar", "betul": "benar", "batua": "benar", "bujur": "benar", "bonar": "benar",
          "kalu": "kalau", "kalo": "kalau", "lamun": "kalau", "amun": "kalau", "kalok": "kalau",
          "siape": "siapa", "saha": "siapa", "sopo": "siapa", "sapa": "siapa",
          "bnci": "benci", "mbenci": "benci", "prnh": "pernah", "pernh": "pernah"}
# Negators that are also other words ("atap seng", "DAK", "sia" = you): a negator only before these.
_CONTEXT_NEGATORS = frozenset("dak seng nda nyanda hana gak".split())
_NEGATED_NEXT = frozenset("pernah benar benci suka mau ada bisa boleh usah perlu pantas layak setuju adil anti "
                          "membenci memusuhi".split())
_VERDICT_INTENSIFIERS = frozenset("total pisan gedhe gede banget kaprah fatal".split())


def canonical(tokens: list[str]) -> list[str]:
    """Tokens with the frames' regional forms read as Indonesian ("dak bener kalu" -> "tidak benar kalau",
    "salah pisan" -> "salah besar", "sia nan" -> "siapa yang", "kate siape" -> "kata siapa")."""
    out = [_WORDS.get(t, t) for t in tokens]
    for k, t in enumerate(out):
        nxt = out[k + 1] if k + 1 < len(out) else ""
        if t in _CONTEXT_NEGATORS and nxt in _NEGATED_NEXT:
            out[k] = "tidak"
        elif t in _VERDICT_INTENSIFIERS and k and out[k - 1] == "salah":
            out[k] = "besar"
        elif t == "sia" and nxt in ("nan", "yang", "nu", "sing"):
            out[k] = "siapa"  # Minang "sia nan ..." (who); Sundanese "sia" alone is "you"
        elif t == "kate" and nxt == "siapa":
            out[k] = "kata"
    return out


_SENTENCE_ENDS = frozenset("? !".split())
# Verbs of saying or labelling (Indonesian, Betawi, Javanese, Sundanese, Minang, Banjar).
_SAY = frozenset("bilang bilangin ngomong ngomongin mangecek nyebut nyebutin menyebut mengatakan ngatain manyambat "
                 "ngecap mencap cap anggap menganggap ngarani nyarita".split())
_WHO_FILLERS = frozenset("pula yang sih emang memang nu sing nan tuh coba".split())
# A claim put into words, then judged false later in the post.
_CLAIM_NOUNS = frozenset("anggapan stigma stereotip stereotipe tuduhan prasangka asumsi mitos omongan narasi "
                         "pandangan label cap".split())
_FALSE = frozenset("salah keliru ngaco ngawur fitnah hoaks hoax bohong mitos ngarang berdasar terbukti".split())
_FALSE_NEEDS_NEGATION = frozenset("berdasar terbukti benar adil".split())  # "tidak berdasar", "tidak benar"
# A mistaken belief, then the pivot that corrects it: "dulu aku kira orang X kasar, ternyata salah".
_BELIEF = frozenset("kira kirain dikira mengira kukira sangka nyangka menyangka disangka".split())
_PIVOT = frozenset("ternyata malah justru padahal nyatanya faktanya".split())
# An order not to say it: "jangan bilang", "gak usah sok tau bilang", "stop nyebut".
_DONT = frozenset("jangan stop berhenti".split())
_DONT_PAIRS = frozenset({("tidak", "usah"), ("tidak", "perlu"), ("tidak", "boleh"), ("tidak", "baik"),
                         ("tidak", "pantas")})
_DONT_FILLERS = frozenset("sok tau tahu asal gampang sembarangan pernah lagi lah main".split())
# "gak ada (tuh) ceritanya ...": a denial that such a thing ever happens.
_STORY = frozenset("ceritanya sejarahnya".split())
# "bukannya gak suka sama X, justru ...", "bukan berarti benci X, tapi ...": denied up to the pivot.
_NOT_THAT = frozenset("bukannya".split())
_BUT = frozenset("tapi tetapi namun justru melainkan cuma hanya".split())
# An objection to a label: "saya keberatan bila orang X digambarkan sebagai ...".
_OBJECT = frozenset("keberatan menolak".split())
_OBJECT_PAIRS = frozenset({("tidak", "setuju"), ("tidak", "terima"), ("tidak", "suka"), ("tidak", "rela"),
                           ("tidak", "benar"), ("tidak", "adil")})
_IF = frozenset("bila kalau jika apabila".split())
_LABELLED = frozenset("dibilang disebut dicap dianggap dilabeli dilabel dituduh dikatakan dinilai dikatain dikatai "
                      "digambarkan dicitrakan distigma diberi".split())


_NEW_CLAUSE = frozenset("mereka kalian dia ia".split())


def _sentence_end(tokens: list[str], start: int) -> int:
    """Where the claim that starts at `start` ends: a "?" or "!", or a pronoun that opens a new clause about the
    group ("jangan ngomongin orang X di depan gue. Mereka cuma beban": the normaliser drops full stops, so
    "mereka" is where the second sentence shows), else the end of the post."""
    for k in range(start + 1, len(tokens)):
        if tokens[k] in _SENTENCE_ENDS or tokens[k] in _NEW_CLAUSE:
            return k
    return len(tokens)


def _frames(tokens: list[str]) -> list[tuple[int, int]]:
    """(start, end of claim) of each denial frame: the paired hostile words must lie inside (start, end)."""
    out: list[tuple[int, int]] = []
    n = len(tokens)
    for k, t in enumerate(tokens):
        nxt = tokens[k + 1] if k + 1 < n else ""
        if t == "siapa":  # who says so? "siapa (pula yang) bilang orang X jahat?"
            j = k + 1
            while j < n and j <= k + 3 and tokens[j] in _WHO_FILLERS:
                j += 1
            if j < n and tokens[j] in _SAY:
                out.append((j, _sentence_end(tokens, j)))
        elif t == "kata" and nxt == "siapa":
            out.append((k + 1, _sentence_end(tokens, k + 1)))
        elif t in _CLAIM_NOUNS:  # a claim, judged false later: "anggapan bahwa ... sama sekali tidak berdasar"
            for v in range(k + 2, n):
                w = tokens[v]
                if w in _FALSE and (w not in _FALSE_NEEDS_NEGATION or "tidak" in tokens[max(k, v - 3):v]):
                    out.append((k, v))
                    break
                if w in ("tidak",) and v + 1 < n and tokens[v + 1] in ("benar", "adil"):
                    out.append((k, v))
                    break
        elif t in _BELIEF:  # a belief the post corrects: "dikira orang X bakal ribut, malah mereka ..."
            for v in range(k + 1, min(n, k + 16)):
                if tokens[v] in _PIVOT:
                    out.append((k, v))
                    break
        elif t in _DONT or (t, nxt) in _DONT_PAIRS:  # "jangan bilang", "tidak usah sok tau bilang"
            j = k + (2 if (t, nxt) in _DONT_PAIRS else 1)
            while j < n and j <= k + 4 and tokens[j] in _DONT_FILLERS:
                j += 1
            if j < n and tokens[j] in _SAY:
                out.append((k - 1, _sentence_end(tokens, j)))  # the head is part of it ("tidak baik manyambat")
        elif t in _STORY and "tidak" in tokens[max(0, k - 3):k]:  # "gak ada tuh ceritanya orang X lebih jorok"
            out.append((k, _sentence_end(tokens, k)))
        elif t in _NOT_THAT or (t, nxt) == ("bukan", "berarti"):  # "bukannya gak suka sama X, justru ..."
            end = _sentence_end(tokens, k)
            pivot = next((v for v in range(k + 1, end) if tokens[v] in _BUT), end)
            out.append((k - 1, pivot))
        if t in _OBJECT or (t, nxt) in _OBJECT_PAIRS:  # "keberatan bila X digambarkan ...", "tidak benar kalau X"
            j = k + (2 if (t, nxt) in _OBJECT_PAIRS else 1)
            j += j < n and tokens[j] == "juga"
            if j < n and tokens[j] in _IF:
                end = _sentence_end(tokens, j)
                if (t, nxt) in (("tidak", "benar"), ("tidak", "adil")) or not _LABELLED.isdisjoint(tokens[j:end]):
                    out.append((k - 1, end))
    return out


def claim_denied(tokens: list[str], paired: set[int], group_starts: list[int]) -> bool:
    """Every hostile word paired with a group is inside a claim the post denies, and each such claim names
    a group ("aku bukannya benci, cuma kalau ada orang X di dekatku ..." denies nothing about X: the group comes
    after the pivot)."""
    if not paired or any(p < 0 for p in paired):
        return False
    frames = [(s, e) for s, e in _frames(tokens) if any(s < g < e for g in group_starts)]
    return bool(frames) and all(any(s < p < e for s, e in frames) for p in paired)


_ANSWER_SKIP = frozenset("ya iya yo ah eh bah wah lho loh".split())
_NO = frozenset("tidak salah ngawur ngaco".split())
# Words after "tidak" that keep it a bare "no": "Enggak kan", "Gak ada", "Kagak lah", "Nggak mungkin".
_BARE_NO_NEXT = frozenset("ada pernah benar mungkin lah kok juga ngawur ngaco salah lu lo kamu".split()) | _SENTENCE_ENDS | _ANSWER_SKIP


def answered_no(tokens: list[str]) -> list[tuple[int, int]]:
    """(start, end) of each question the post answers "no" right after: "Gue? Benci orang X? Kagak lah",
    "Emang pernah orang X ngerugiin kamu? Enggak kan". A virtue asked and denied ("orang X jujur? enggak")
    is a different frame (models.sara reads it as hate): callers pair only hostile words inside."""
    out: list[tuple[int, int]] = []
    start = 0
    for k, t in enumerate(tokens):
        if t not in _SENTENCE_ENDS:
            continue
        if t == "?":
            j = k + 1
            while j < len(tokens) and tokens[j] in _ANSWER_SKIP | {"?"}:
                j += 1
            if j < len(tokens) and tokens[j] in _NO and (tokens[j] != "tidak" or not _answer_goes_on(tokens, j)):
                # the question and the short questions just before it ("Gue? Benci orang X?")
                s = start
                while out and out[-1][1] == s - 1:
                    s = out.pop()[0]
                out.append((s, k))
        start = k + 1
    return out


def _answer_goes_on(tokens: list[str], j: int) -> bool:
    """"tidak" that opens a clause of its own ("? tidak ada yang jujur"): not a bare "no"."""
    rest = tokens[j + 1:j + 3]
    return bool(rest) and rest[0] not in _BARE_NO_NEXT


# The writer's own stance towards the group, negated: "gue sama sekali gak anti etnis X", "aku bukan pembenci
# orang X", "kagak ada urusan gue benci-bencian sama orang X", "yakali gue benci orang X".
_STANCE = frozenset("benci membenci bencian pembenci anti memusuhi musuhin memusuhin nyamaratain "
                    "menyamaratakan nyamaratakan generalisir dendam sentimen".split())
_STANCE_FILLERS = frozenset("pernah sama sekali pun sedikit sedikitpun akan bakal mau ada urusan aku gue saya kita "
                            "kami juga jadi seorang yang".split())
_RHETORICAL = frozenset("yakali mustahil ngapain".split())
_RHETORICAL_PAIRS = frozenset({("mana", "mungkin"), ("masa", "iya"), ("buat", "apa"), ("untuk", "apa"),
                               ("ya", "kali")})


_NOBODY = frozenset("seorang satu siapa".split())
_MAY = frozenset("berhak boleh bisa pantas layak".split())
_NOBODY_OR_ADA = _NOBODY | {"ada"}  # "tidak (ada) seorang pun"


def negated_stances(tokens: list[str]) -> list[int]:
    """Positions of stance words (hating, being against, generalising) that a negator or a rhetorical
    "yakali" governs, across the fillers between them ("tidak pernah sama sekali benci"); and the verb after
    "tidak seorang pun berhak" ("tidak seorang pun berhak mengusir mereka")."""
    out = []
    for k in range(len(tokens) - 3):
        if tokens[k] == "tidak" and tokens[k + 1] in _NOBODY_OR_ADA:
            j = k + 1 + (tokens[k + 1] == "ada")
            if j + 1 < len(tokens) and tokens[j] in _NOBODY and tokens[j + 1] == "pun":
                j += 2
                j += j < len(tokens) and tokens[j] == "yang"
                if j + 1 < len(tokens) and tokens[j] in _MAY:
                    out.append(j + 1)
    for i, t in enumerate(tokens):
        if t not in _STANCE:
            continue
        k = i - 1
        while k >= 0 and i - k <= 6 and tokens[k] in _STANCE_FILLERS:
            k -= 1
        if k < 0:
            continue
        if tokens[k] in ("tidak", "bukan", "jangan") or tokens[k] in _RHETORICAL \
                or (k and (tokens[k - 1], tokens[k]) in _RHETORICAL_PAIRS):
            out.append(i)
    return out
