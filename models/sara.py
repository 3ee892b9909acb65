"""Target-aware evidence for group hate (SARA) and threats: a group mention plus a hostile predicate.

Why rules next to the linear heads: the training tweets hold few posts like "Gue benci orang
madura." and the n-gram heads learn topics (who is talked about) more than what is said about
them. Hate against a group has a shape that generalises across groups: *a group* (suku, agama,
ras, antargolongan, gender, orientation, disability, a political camp) *near a hostile predicate*
(strong negative emotion, negative attribute, dehumanising comparison, slur, exclusion, threat).
The shape is checked with the context rules that make it precise:

- negation right before the predicate ("gue gak benci orang cina") cancels it, but a negated
  positive ("tidak bisa dipercaya") is itself a predicate;
- a post that denounces or reports hate ("kalau ada yang bilang ... itu rasis", "polisi menangkap
  pelaku ujaran kebencian terhadap ...") is counter-speech: it is flagged as such, and the scorer
  damps every hate signal on it;
- a pronoun ("mereka", "kalian") refers back to a group named earlier in the post.

Works on normalised text (models.normalize: lower case, slang folded, entity placeholders), costs
a few dict look-ups per token, and is pure and deterministic.

Why one long module: the group and predicate cue lists are data, and the context rules (negation,
quotation, counter-speech, reporting) must be read together with them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from models.entities import PLACEHOLDER
from models.normalize import QUOTE_TOKEN as _QUOTE
from models.slang import SLANG

__all__ = ["GroupEvidence", "group_evidence", "GROUP_CATEGORY", "SARA_VERSION"]

SARA_VERSION = "1"

# --- groups -----------------------------------------------------------------------------------
# A group noun before a name makes the name a group ("orang madura", "umat kristen").
_GROUP_NOUNS = frozenset(
    "orang org suku etnis etnik warga kaum umat bangsa ras keturunan penganut jemaat jamaah jemaah "
    "golongan komunitas masyarakat anak pendukung simpatisan relawan kubu kader massa pemeluk aliran "
    "penduduk rakyat cewek cowok urang kulit berkulit setiap kelompok kalangan keluarga saudara teman "
    "penghayat".split())
# Names that are groups only after a group noun (they are also places or ordinary words).
_NAMED_AFTER_NOUN: dict[str, str] = {
    **{w: "race" for w in (
        "madura jawa batak sunda bugis minang minangkabau padang dayak papua ambon maluku betawi aceh "
        "banjar bali sasak flores timor nias toraja makassar manado minahasa melayu palembang banten "
        "ternate buton mandar gorontalo kaili bima lombok india arab asing "
        "pribumi nonpribumi keling negro hitam timur kulit ntt sumba cino").split()},
    **{w: "religion" for w in "islam muslim kristen katolik hindu buddha budha konghucu nasrani".split()},
    **{w: "physical" for w in "cacat autis buta tuli bisu netra".split()},
    **{w: "religion" for w in "kepercayaan protestan kristiani".split()},
}
# Words that name a group on their own.
_GROUP_WORDS: dict[str, str] = {
    **{w: "race" for w in (
        "tionghoa cina china chinese aseng cokin cindo cino tiongkok pribumi nonpribumi yahudi negro").split()},
    **{w: "religion" for w in (
        "ahmadiyah ahmadi syiah kristen kristiani protestan katolik nasrani hindu buddha budha buddhis konghucu "
        "muslim muslimin muslimah islam kafir kafirun yahudi ateis atheis salafi wahabi").split()},
    **{w: "gender" for w in (
        "perempuan wanita cewek lgbt lgbtq gay lesbi lesbian homo homoseksual biseksual "
        "transgender transpuan waria banci bences").split()},
    **{w: "physical" for w in (
        "disabilitas difabel tunanetra tunarungu tunawicara tunadaksa").split()},
    **{w: "other" for w in ("pendatang transmigran imigran pengungsi rohingya perantau komunis pki").split()},
}
# Camp labels: derogatory names for political camps, a group and an insult in one word.
_CAMP_LABELS = frozenset("cebong kampret kadrun togog buzzerp kampang".split())
# After a group noun: a political camp ("pendukung ent_tokoh", "kader ent_partai").
_CAMP_OBJECTS = frozenset(PLACEHOLDER[t] for t in ("tokoh", "paslon", "partai", "nomor_urut"))
_CAMP_NOUNS = frozenset("pendukung simpatisan relawan kubu kader massa pemilih".split())
_PRONOUNS = frozenset("mereka kalian kaum".split())
# "di madura", "ke papua", "dari jawa": a place, not a group.
_LOCATIVE = frozenset("di ke dari pulau kota provinsi kabupaten kab tanah daerah wilayah asal".split())

GROUP_CATEGORY = ("race", "religion", "gender", "physical", "other")

# --- predicates -------------------------------------------------------------------------------
# weight: how much a predicate alone says "hate" when it applies to a group.
# Feelings: a group is their target only when it follows them ("benci orang X", "jijik lihat X");
# after the group it is the one who feels ("warga X kesal karena banjir").
_EMOTION = {w: 0.8 for w in (
    "benci membenci kubenci muak jijik enek muntah mual sebel sebal kesal jengkel geram dongkol risih ilfil "
    "ilfeel murka dendam alergi").split()}
_ATTRIBUTES = {w: 0.7 for w in (
    "sampah buruk terburuk jahat bodoh goblok tolol idiot bego dungu penipu pembohong maling pencuri "
    "licik pemalas malas males kotor jorok biadab barbar primitif terbelakang kampungan brengsek bangsat "
    "bajingan beban parasit benalu perusak penjajah pengkhianat munafik sesat laknat terkutuk hina "
    "rendahan busuk bau bejat keji kejam serakah rakus tamak culas teroris radikal racun "
    "berbahaya ancaman bencana aib memalukan kriminal penjahat "
    "perampok pelacur lonte sundal gila sinting edan dasar menjijikkan najis dibenci norak onar pengacau perusuh penghianat pemabuk "
    "amoral pengecut penjilat dekil kumuh jelek udik kasar beringas buas liar pelit kikir menyesatkan").split()}
_DEHUMANISING = {w: 0.85 for w in (
    "binatang hewan babi anjing monyet kera kecoa tikus virus penyakit wabah setan iblis kutu lintah ular "
    "cacing lalat hama kuman bakteri kotoran tahi kecoak kanker tumor keledai dajjal").split()}


def _men(stem: str) -> str:
    """The meN- prefix of Indonesian transitive verbs: bunuh -> membunuh, tembak -> menembak."""
    first = stem[0]
    if first in "bfv":
        return "mem" + stem
    if first == "p":
        return "mem" + stem[1:]
    if first == "t":
        return "men" + stem[1:]
    if first == "s":
        return "meny" + stem[1:]
    if first == "k":
        return "meng" + stem[1:]
    if first in "ghaiueo":
        return "meng" + stem
    if first in "cjdz":
        return "men" + stem
    return "me" + stem


def _verb_forms(stems: str) -> set[str]:
    """Imperative, passive, active, first-person and slang forms of each stem ("bunuh" -> dibunuh, ...)."""
    out: set[str] = set()
    for stem in stems.split():
        for base in (stem, stem + "kan", stem + "i"):
            out |= {base, "di" + base, _men(base), "ku" + base, base + "lah", base + "in"}
    return out


# Violence against people: hate *and* a threat when aimed at a group.
_THREATS = {w: 0.9 for w in _verb_forms(
    "bunuh bantai habis basmi musnah usir enyah ganyang bakar hajar gebuk tembak penggal gantung rajam bacok "
    "tikam rata hancur singkir lenyap tumpas serbu gorok tebas sembelih perang bom pancung "
    "grebek gerebek lempar tendang injak cincang mutilasi binasa sikat") | {
    "mampus", "modar", "sweeping", "abisin", "ratain", "gebukin", "bakarin", "usirin"}}
_POSITIVE = frozenset("baik jujur pintar pinter becus benar beres sopan bersih amanah berguna bagus "
                      "dipercaya diandalkan beradab".split())
# Weapons near a group: "datangi rumah orang X bawa golok" is a threat.
_WEAPONS = {w: 0.8 for w in "golok parang celurit clurit pedang samurai molotov senapan pistol".split()}
# Words between a negator and a predicate that undo the negation: "tidak segan membantai".
_NEGATION_UNDONE = frozenset("segan ragu sungkan takut lebih".split())
# Multi-word predicates (exclusion, negated positives); checked before single words and before negation.
_PHRASES: dict[tuple[str, ...], tuple[float, bool]] = {}
for _p, _w, _threat in (
    ("tidak pantas hidup", 0.9, True), ("tidak layak hidup", 0.9, True), ("tidak pantas ada", 0.85, False),
    ("tidak pantas tinggal", 0.85, False), ("tidak boleh tinggal", 0.85, False), ("tidak layak tinggal", 0.85, False),
    ("tidak pantas jadi pemimpin", 0.8, False), ("tidak boleh jadi pemimpin", 0.8, False),
    ("tidak pantas memimpin", 0.8, False), ("tidak boleh memimpin", 0.8, False), ("haram dipilih", 0.8, False),
    ("haram memilih", 0.75, False), ("haram jadi pemimpin", 0.8, False), ("jangan pilih", 0.5, False),
    ("tidak layak", 0.75, False), ("tidak pantas", 0.75, False), ("tidak sudi", 0.75, False),
    ("tidak bisa dipercaya", 0.75, False), ("tidak pernah bisa dipercaya", 0.8, False),
    ("tidak pernah jujur", 0.75, False), ("tidak punya otak", 0.8, False), ("tidak tahu diri", 0.7, False),
    ("tidak beradab", 0.8, False), ("tidak punya moral", 0.75, False), ("tidak tahu malu", 0.7, False),
    ("tidak berguna", 0.75, False), ("tidak ada gunanya", 0.75, False), ("tidak ada yang baik", 0.8, False),
    ("tidak pernah benar", 0.7, False), ("bukan manusia", 0.9, False), ("tidak manusiawi", 0.7, False),
    ("lebih rendah", 0.75, False), ("rendah derajatnya", 0.8, False), ("sumber masalah", 0.75, False),
    ("biang kerok", 0.75, False), ("biang masalah", 0.75, False), ("pengen muntah", 0.8, False),
    ("pulang ke negara", 0.85, True), ("balik ke negara", 0.85, True), ("kembali ke negara", 0.85, True),
    ("pulang ke negaranya", 0.85, True), ("balik ke negaranya", 0.85, True), ("angkat kaki", 0.8, True),
    ("keluar dari indonesia", 0.85, True), ("keluar dari sini", 0.8, True), ("harus pergi", 0.75, True),
    ("harus keluar", 0.75, True), ("tidak diterima di sini", 0.8, False), ("tidak diterima di", 0.75, False),
    ("sampah masyarakat", 0.9, False), ("paling buruk", 0.75, False), ("paling jahat", 0.8, False),
    ("paling bodoh", 0.75, False), ("pembawa sial", 0.75, False), ("paling menjijikkan", 0.85, False),
    ("tidak ada harganya", 0.8, False), ("tidak guna", 0.75, False),
    ("tidak punya malu", 0.7, False), ("tidak suka", 0.6, False), ("tidak mau dekat", 0.7, False),
    ("malas lihat", 0.7, False), ("males lihat", 0.7, False), ("muak lihat", 0.8, False),
    ("tidak tahu terima kasih", 0.7, False), ("kurang ajar", 0.7, False), ("tidak bermoral", 0.75, False),
    ("kelas bawah", 0.6, False), ("bikin onar", 0.7, False), ("kasih pelajaran", 0.7, True), ("bikin kapok", 0.7, True),
    ("jangan jual tanah", 0.7, False), ("jangan kasih kontrakan", 0.7, False), ("jangan mau dipimpin", 0.75, False),
    ("jangan pilih pemimpin", 0.7, False), ("usir saja", 0.9, True), ("tidak punya rasa malu", 0.7, False), ("tidak ada bagusnya", 0.75, False),
    ("tidak ada bagus bagusnya", 0.75, False), ("datangi rumah", 0.6, True), ("datengin rumah", 0.6, True),
    ("harus dimusnahkan", 0.95, True), ("harus dibasmi", 0.95, True), ("harus diusir", 0.9, True),
    ("harus dibunuh", 0.95, True), ("harus mati", 0.95, True), ("pantas mati", 0.95, True),
    ("halal darahnya", 0.95, True), ("darahnya halal", 0.95, True),
):
    _PHRASES[tuple(_p.split())] = (_w, _threat)
_PHRASE_FIRST = frozenset(k[0] for k in _PHRASES)
_PREDICATES: dict[str, float] = {**_ATTRIBUTES, **_EMOTION, **_DEHUMANISING, **_THREATS, **_WEAPONS}
_THREAT_WORDS = frozenset(_THREATS) | frozenset(_WEAPONS)
_NEGATORS = frozenset("tidak bukan jangan tanpa belum stop berhenti".split())
_LITERAL_ANIMAL = frozenset("punya memelihara pelihara peliharaan beli membeli jual menjual makan daging kebun "
                            "seekor ekor kandang ternak".split())
# How far a predicate may stand from the group it applies to: "benci sama orang madura" (before),
# "orang madura itu memang yang paling buruk" (after). Wider windows catch unrelated words.
_WINDOW_BEFORE = 4
_WINDOW_AFTER = 5


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def _fuzzy_index(words: set[str] | frozenset[str]) -> dict[str, str]:
    """Symmetric-delete index (one edit on each side): covers a missing, extra, swapped or wrong letter."""
    index: dict[str, str] = {}
    for w in sorted(words):
        if len(w) >= 5:
            for d in _deletes(w) | {w}:
                index.setdefault(d, w)
    return index


# Typos are looked for among the plain predicates, not the generated verb forms (too many neighbours).
_FUZZY_PREDICATES = _fuzzy_index(frozenset(_ATTRIBUTES) | frozenset(_EMOTION) | frozenset(_DEHUMANISING)
                                 | {w for k in _PHRASES for w in k if len(w) >= 5})


_MAX_WORD = 30  # longer "words" (spam, glued sentences) are never split or read as typos: bounded cost


def _fuzzy(token: str, index: dict[str, str]) -> str | None:
    """The known word one typo away from `token`, if any (alay and typos: "beci", "peniup", "hewna").

    Candidates are taken in sorted order, so the answer never depends on set iteration (hash seed).
    """
    if not 4 <= len(token) <= _MAX_WORD:
        return None
    hit = index.get(token)
    if hit is not None:
        return hit
    hits = sorted({index[d] for d in _deletes(token) if d in index})
    return max(hits, key=lambda w: _PREDICATES.get(w, 0.0)) if hits else None


# --- counter-speech and reporting ----------------------------------------------------------------
# A post *about* hate: a report of it (a verb of reporting plus a hate topic), a rejection of what
# someone said, or a stock phrase of rejection. Each alone is common in hateful posts too ("polisi",
# "provokator", "jangan"), so only these combinations count.
_REPORT_VERBS = frozenset("ditangkap menangkap tersangka pelaku dilaporkan melaporkan diperiksa dijerat dipidana "
                          "divonis diamankan mengecam kecam dikecam mengutuk kutuk menolak tolak".split())
_HATE_TOPICS = frozenset("kebencian rasis rasisme rasial rasialis diskriminasi diskriminatif intoleran intoleransi "
                         "penghinaan menghina sara persekusi".split())
_SAYING = frozenset("bilang dibilang menyebut sebut disebut nyebut mengatakan dikatakan ngatain mengatai "
                    "menyebutnya berkata ucapan perkataan komentar cuitan unggahan postingan narasi pernyataan "
                    "ngomong bicara nulis menulis tulis ditulis tulisan".split())
# Disapproval around a quotation: the quote is being rejected, not repeated.
_DISAPPROVAL = frozenset("keterlaluan kelewatan parah miris prihatin kecewa malu menolak tolak introspeksi salah "
                         "berpendidikan fitnah hoaks hoax ngawur ngaco memalukan keliru".split())
_REJECTION = tuple(f" {p} " for p in (
    "tidak bisa dibenarkan", "tidak dibenarkan", "itu salah", "salah besar", "tidak benar", "tidak boleh menyebut",
    "tidak boleh bilang", "tidak boleh menghina", "tidak boleh membenci", "jangan menyebut", "jangan bilang",
    "jangan sebut", "jangan menghina", "jangan membenci", "jangan benci", "stop menyebut", "stop bilang",
    "stop menghina", "berhenti menyebut", "berhenti menghina", "menolak pernyataan", "menolak ucapan",
    "menolak narasi", "itu rasis", "rasis banget", "sangat rasis", "bukan ajaran", "harus di report",
    "harus dilaporkan", "laporkan saja"))
# Phrases that reject hate on their own, without a verb of saying.
_COUNTER_PHRASES = tuple(f" {p} " for p in (
    "yang salah itu kamu", "yang salah itu aku", "tidak bisa dibenarkan", "tidak dibenarkan",
    "sama saja menghina", "stop rasis", "jangan rasis", "jangan benci", "jangan membenci", "jangan menghina",
    "tidak boleh membenci", "tidak boleh menghina", "tidak ada alasan untuk benci", "tidak ada alasan buat benci",
    "tidak ada alasan membenci", "tidak ada yang salah dengan", "sama seperti kita", "kita semua saudara",
    "hentikan ujaran", "lawan rasisme", "tolak rasisme",
    "ujaran kebencian terhadap", "ujaran kebencian kepada", "ujaran kebencian soal", "tidak ada tempat untuk kebencian",
    "berhenti menyalahkan", "jangan menyalahkan",
    "stop menyalahkan"))



@dataclass(frozen=True, slots=True)
class GroupEvidence:
    hate: float  # evidence of hate against a group, in [0, 1]
    threat: float  # evidence of a threat or call to violence against a group, in [0, 1]
    category: str | None  # race | religion | gender | physical | other of the strongest pair
    counter_speech: bool  # the post denounces, negates or reports hate


_NONE = GroupEvidence(0.0, 0.0, None, False)


def _groups(tokens: list[str]) -> list[tuple[int, int, str, float]]:
    """(first position, last position, category, certainty) of each group mention."""
    found: list[tuple[int, int, str, float]] = []
    for i, tok in enumerate(tokens):
        prev = tokens[i - 1] if i else ""
        start, cat, cert = i, None, 1.0
        if prev in _GROUP_NOUNS and (tok in _NAMED_AFTER_NOUN or tok in _GROUP_WORDS):
            start, cat = i - 1, _NAMED_AFTER_NOUN.get(tok) or _GROUP_WORDS[tok]
        elif prev in _CAMP_NOUNS and tok in _CAMP_OBJECTS:
            start, cat = i - 1, "other"
        elif tok in _GROUP_WORDS and prev not in _LOCATIVE:
            cat, cert = _GROUP_WORDS[tok], 0.9
        elif tok in _CAMP_LABELS:
            cat, cert = "other", 0.9
        elif tok in _PRONOUNS and found:
            cat, cert = found[-1][2], 0.85
        if cat is not None:
            found.append((start, i, cat, cert))
    return found


def _predicates(tokens: list[str], near: set[int],
                known: Callable[[str], bool] | None) -> tuple[list[tuple[int, float, bool]], list[int]]:
    """(position, weight, is_threat) of each hostile predicate, and the positions of negated ones.

    `near`: positions close to a group, where a word that `known` does not know may be a one-typo
    spelling of a predicate ("beci" for "benci", "hewna" for "hewan").
    """
    found: list[tuple[int, float, bool]] = []
    negated: list[int] = []
    skip_to = -1
    for i, tok in enumerate(tokens):
        if i < skip_to:
            continue
        if tok in _PHRASE_FIRST:
            for length in (5, 4, 3, 2):
                key = tuple(tokens[i:i + length])
                if len(key) == length and key in _PHRASES:
                    w, threat = _PHRASES[key]
                    if _is_negated(tokens, i):
                        negated.append(i)  # "orang X bukan biang kerok", "tidak harus pergi"
                    else:
                        found.append((i, w, threat))
                    skip_to = i + length
                    break
            if skip_to > i:
                continue
        w = _PREDICATES.get(tok)
        if w is None and tok in _POSITIVE:
            if _negated_positive(tokens, i):
                found.append((i, 0.7, False))
            continue
        if w is None and known is not None and i in near and not known(tok):
            word = _fuzzy(tok, _FUZZY_PREDICATES)
            w = _PREDICATES.get(word) if word else None
            tok = word or tok
        if w is None:
            continue
        if tok in _DEHUMANISING and i and tokens[i - 1] in _LITERAL_ANIMAL:
            continue  # "punya anjing", "daging babi", "seekor monyet": the animal itself
        if _is_negated(tokens, i):
            negated.append(i)  # "tidak benci", "bukan sampah", "jangan usir"
            continue
        found.append((i, w, tok in _THREAT_WORDS))
    return found, negated


_WIDE_SCOPE = frozenset("pernah menganggap anggap merasa bilang percaya setuju".split())


def _is_negated(tokens: list[str], i: int) -> bool:
    """A negator among the 3 words before, or further back when it governs a verb of judging
    ("saya tidak pernah menganggap orang X lebih rendah")."""
    before = tokens[max(0, i - 3):i]
    if any(b in _NEGATION_UNDONE for b in before):
        return False
    if any(b in _NEGATORS for b in before):
        return True
    wide = tokens[max(0, i - 7):i]
    return any(a in _NEGATORS and b in _WIDE_SCOPE for a, b in zip(wide, wide[1:]))


def _negated_positive(tokens: list[str], i: int) -> bool:
    """A negated good word is hostile: "tidak ada orang X yang jujur", "X tidak pernah berbuat baik"."""
    before = tokens[max(0, i - 6):i]
    near_before = tokens[max(0, i - 4):i]
    if "lebih" in before or "semua" in before or "salah" in near_before:
        return False
    if any(t in ("cuma", "hanya", "saja", "sekadar") for t in near_before):
        return False  # "bukan cuma pintar tapi juga jujur"
    if "tidak" in before and "pernah" in before:
        return True
    if tokens[i - 1] == "yang" and any(a == "tidak" and b == "ada" for a, b in zip(before, before[1:])):
        return True
    return any(t in ("tidak", "bukan") for t in near_before)


def _counter_speech(tokens: list[str], has_group: bool) -> bool:
    """The post denounces, rejects or reports hate (it may quote the hate it rejects).

    Stock phrases and rejections count only when the post names a group; without one, only a report
    (a verb of reporting plus a hate topic) or a quotation does.
    """
    toks = set(tokens)
    if toks.isdisjoint(_COUNTER_TRIGGERS):
        return False
    joined = " " + " ".join(tokens) + " "
    if toks & _REPORT_VERBS and toks & _HATE_TOPICS:
        return True
    quoted = tokens.count(_QUOTE) >= 2
    if quoted and _hate_only_inside_quotes(tokens):
        return True
    if not has_group:
        return False
    if any(p in joined for p in _COUNTER_PHRASES):
        return True
    if (toks & _SAYING or quoted) and any(p in joined for p in _REJECTION):
        return True
    if not quoted:
        return False
    outside = _outside_quotes(tokens)
    # quoting hate to reject it: disapproval outside the quotes, and no insult of one's own there
    return bool(set(outside) & (_HATE_TOPICS | _DISAPPROVAL)) and not any(t in _PREDICATES for t in outside)


# Any counter-speech rule needs one of these words: most posts are ruled out by one set test.
_COUNTER_TRIGGERS = (_REPORT_VERBS | _SAYING | {_QUOTE}
                     | {p.split()[0] for p in _COUNTER_PHRASES} | {p.split()[0] for p in _REJECTION})

_GLUE_PARTS = frozenset(_PREDICATES) | frozenset(_GROUP_WORDS) | frozenset(_NAMED_AFTER_NOUN) | _GROUP_NOUNS


def _unglue(tokens: list[str], known: Callable[[str], bool]) -> list[str]:
    """Split a long unknown word into two known ones when one of them matters here ("pengenmuntah")."""
    if not any(7 <= len(tok) <= _MAX_WORD for tok in tokens):
        return tokens
    out: list[str] = []
    for tok in tokens:
        if 7 <= len(tok) <= _MAX_WORD and tok not in _GLUE_PARTS:
            out += _split_glued(tok, known)
        else:
            out.append(tok)
    return out


@lru_cache(maxsize=65536)
def _split_glued(tok: str, known: Callable[[str], bool]) -> tuple[str, ...]:
    """One word's split (cached: words repeat across posts; the cache is bounded and thread-safe)."""
    if known(tok):
        return (tok,)
    for cut in range(3, len(tok) - 2):
        left, right = SLANG.get(tok[:cut], tok[:cut]), SLANG.get(tok[cut:], tok[cut:])
        if (left in _GLUE_PARTS or right in _GLUE_PARTS) and (left in _GLUE_PARTS or known(left)) and (
                right in _GLUE_PARTS or known(right)):
            return (*left.split(), *right.split())
    return (tok,)


def _hate_only_inside_quotes(tokens: list[str]) -> bool:
    """A group and its hostile predicate both inside quotation marks, and no insult outside them: a quote."""
    inside: list[str] = []
    spans: list[list[str]] = []
    is_inside = False
    for t in tokens:
        if t == _QUOTE:
            if is_inside:
                spans.append(inside)
                inside = []
            is_inside = not is_inside
        elif is_inside:
            inside.append(t)
    outside = _outside_quotes(tokens)
    if not outside or any(t in _PREDICATES for t in outside):
        return False
    for span in spans:
        groups = _groups(span)
        if groups and _predicates(span, set(), None)[0]:
            return True
    return False


def _outside_quotes(tokens: list[str]) -> list[str]:
    out: list[str] = []
    inside = False
    for t in tokens:
        if t == _QUOTE:
            inside = not inside
        elif not inside:
            out.append(t)
    return out


def _negated_denial(tokens: list[str], group_pos: int) -> bool:
    """"tidak ada yang salah dengan X", "tidak semua X ..." : the statement defends the group."""
    before = tokens[max(0, group_pos - 6):group_pos]
    return "tidak" in before and ("semua" in before or "salah" in before or "masalah" in before)


def group_evidence(normalized: str, known: Callable[[str], bool] | None = None) -> GroupEvidence:
    """Hate and threat evidence against a group in one normalised post.

    `known(word)`: whether a word is an ordinary known word (the scorer passes the fast tier's
    vocabulary test); only unknown words near a group are tried as typos of a predicate.
    A post counts as counter-speech only when it has no hostile group + predicate pair of its own
    outside quotation marks: "Ahmadiyah sesat, tidak ada tempat bagi mereka" is hate, not a defence.
    """
    if not normalized:
        return _NONE
    tokens = normalized.split()
    if known is not None:
        tokens = _unglue(tokens, known)
    groups = _groups(tokens)
    if not groups:
        return GroupEvidence(0.0, 0.0, None, _counter_speech(tokens, False))
    own = _outside_quotes(tokens) if tokens.count(_QUOTE) >= 2 else tokens
    own_groups = _groups(own) if own is not tokens else groups
    near = {j for start, end, _, _ in own_groups
            for j in range(max(0, start - _WINDOW_BEFORE), min(len(own), end + _WINDOW_AFTER + 1))}
    preds, negated = _predicates(own, near, known)
    best_hate, best_threat, best_cat = 0.0, 0.0, None
    defended = False
    for start, end, cat, cert in own_groups:
        if _negated_denial(own, start):
            defended = True
            continue
        lo, hi = start - _WINDOW_BEFORE, end + _WINDOW_AFTER
        defended |= any(lo <= n <= hi for n in negated)
        for ppos, w, threat in preds:
            if start <= ppos <= end or not lo <= ppos <= hi:
                continue
            if ppos > end and own[ppos] in _EMOTION:
                continue  # "warga X kesal": the group feels it, it is not the target
            h = w * cert
            if h > best_hate:
                best_hate, best_cat = h, cat
            if threat and h > best_threat:
                best_threat = h
    if best_hate:
        return GroupEvidence(round(best_hate, 6), round(best_threat, 6), best_cat, False)
    if defended or _counter_speech(tokens, True):
        # a group whose only predicates are negated ("orang X bukan sampah"), or counter-speech
        return GroupEvidence(0.0, 0.0, groups[0][2], True)
    return GroupEvidence(0.0, 0.0, None, False)
