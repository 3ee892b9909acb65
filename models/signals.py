"""Provocation and fraud-claim scores from a hand-written lexicon with rules (no labelled data exists).

Design (explained in the model card): each cue has a weight, the score is a noisy-OR of the cue
weights found in the *normalised* text, and context rules scale a cue down when it is negated or
discouraged ("jangan turun ke jalan"), denied ("tidak ada kecurangan"), or reported rather than
called for ("polisi membubarkan massa yang mengepung..."). Cues are compiled into one regex per
signal, so a post costs one scan per signal. Pure and deterministic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["LexiconSignals", "LEXICON_VERSION", "provocation_score", "fraud_claim_score", "tension_score",
           "TENSION_WEIGHTS"]

LEXICON_VERSION = "3"

_TARGETS = (
    r"(?:kpu|bawaslu|mk|dkpp|istana|dpr|komisioner|hakim|petugas|kpps|ppk|pps|panitia|polisi|aparat|"
    r"presiden|rezim|cina|aseng|asing|kafir|pki|cebong|kampret|kadrun|togog|antek|pendukung \w+|kantor \w+)"
)

# (regex over normalised text, weight). Weights: 0.85 = unambiguous call or threat, 0.6 = strong cue
# that needs no context, 0.35-0.45 = a cue that alone is not enough (needs a second cue to cross 0.5).
PROVOCATION_CUES: tuple[tuple[str, float], ...] = (
    (r"turun ke jalan(?:an)?", 0.8),
    (r"(?:kepung|geruduk|serbu|duduki|kuasai|serang|datangi rame rame)(?:lah)? (?:saja )?" + _TARGETS, 0.85),
    (r"(?:kepung|geruduk|serbu|duduki|kerahkan|gerakkan) (?:massa|ramai|semua)", 0.8),
    (r"people power|revolusi rakyat|kedaulatan rakyat rebut|rebut kembali|makar|pemerintahan tandingan", 0.7),
    (r"aksi (?:massa|besar besaran|bela \w+|jilid \w+)|kerahkan massa|siapkan (?:massa|pasukan|senjata)", 0.7),
    (r"(?:tolak|jangan akui|tidak akui|boikot|batalkan) (?:hasil )?(?:pemilu|pilpres|pilkada|rekapitulasi|penetapan)", 0.65),
    (r"rapatkan barisan|siaga satu|perang (?:total|badar|suci)|jihad|tumpah darah|darah(?:nya)? halal|halal darahnya", 0.7),
    (r"mogok nasional|lumpuhkan (?:jakarta|ibu kota|kota)|tutup jalan|blokade", 0.6),
    (r"(?:bunuh|bakar|habisi|gantung|penggal|bantai|hajar|gebuk|ganyang|tembak|culik|ratakan|hancurkan|"
     r"sikat|seret|usir|bubarkan paksa|lempari|gorok|tebas)(?:lah)? (?:saja )?" + _TARGETS, 0.85),
    (r"lawan (?:terus )?(?:rezim|penguasa|kecurangan|antek \w+|penjajah)", 0.6),
    (r"(?:kami|kita) (?:akan )?datangi|datangi rumah(?:nya)?|kami cari (?:rumah|kalian|kamu)", 0.6),
    (r"(?:bunuh|bakar|habisi|gantung|penggal|bantai|ganyang|gorok|tebas|ratakan)(?:lah)?\b", 0.45),
    (r"(?:hajar|gebuk|sikat|serbu|lawan|usir|libas|lawan terus)(?:lah)?\b", 0.3),
    (r"(?:awas|tunggu saja|tunggu pembalasan|siap siap) (?:kamu|kalian|pembalasan|balasan)", 0.6),
    (r"(?:tumpahkan|banjir) darah|bikin rusuh|rusuhkan|buat rusuh", 0.6),
    (r"chaos|rusuh|kerusuhan|ricuh", 0.3),
    # lexicon v2 (issue 11): first-person intent to harm, named precedents of communal violence,
    # the "don't blame us" threat, and the logistics of mobilisation
    (r"(?:kami|kita|aku|saya) (?:\w+ ){0,2}(?:akan |bakal |mau |siap |harus )?(?:usir|bakar|serang|hancurkan|bunuh|"
     r"habisi|grebek|gerebek|bongkar|sweeping|sisir|tandai|ratakan|bantai|hajar|serbu|lempari|kepung|geruduk)\b", 0.75),
    (r"bikin (?:rusuh|kerusuhan|chaos|ricuh)|(?:poso|sampit|ambon|mei 98) (?:kedua|jilid|lagi)", 0.7),
    (r"jangan (?:salahkan|salahin|menyalahkan) (?:kami|kita|warga)", 0.6),
    (r"tumpah ke jalan|penuhi (?:jalan|jalanan|halaman|gedung|kantor)|tutup akses|long march|aksi besar|"
     r"semua elemen (?:masyarakat )?(?:\w+ )?(?:berkumpul|turun|bergerak)|bertahan di depan|ganti rezim", 0.6),
)
_CALL = r"\b(?:ayo|mari|yuk|segera|sekarang juga|saatnya|wajib|serentak|bersatu|bergerak)\b|!"
_PROVOCATION_CALL_WEIGHT = 0.35

FRAUD_CUES: tuple[tuple[str, float], ...] = (
    (r"curang", 0.45),
    (r"kecurangan|dicurangi|mencurangi|pencurangan", 0.6),
    (r"(?:kpu|bawaslu|mk|pemilu|pilpres|pilkada|hasil|penghitungan|rekap(?:itulasi)?|quick count|sirekap|"
     r"petugas|kpps|komisioner) (?:\w+ ){0,2}(?:curang|bohong|diatur|settingan|rekayasa|direkayasa|"
     r"dimanipulasi|tidak netral|berpihak|dibeli|cacat)", 0.85),
    (r"surat suara (?:\w+ )?(?:sudah |telah )?(?:tercoblos|dicoblos|tercoblos duluan|dicoblos duluan)|sudah tercoblos", 0.85),
    (r"sirekap (?:\w+ )?(?:dimanipulasi|manipulasi|curang|error|eror|ngawur|diretas|diatur|bohong|menggelembungkan)", 0.8),
    (r"manipulasi (?:suara|data|hasil|angka|sirekap|rekap\w*)|(?:suara|data|hasil|angka) (?:\w+ )?dimanipulasi", 0.85),
    (r"\btsm\b|terstruktur sistematis (?:dan )?masif", 0.8),
    (r"penggelembungan(?: suara)?|(?:suara|angka) (?:\w+ )?digelembungkan|mark ?up suara|menggelembungkan suara", 0.85),
    (r"(?:suara|kotak suara|c1|form c1|c hasil) (?:\w+ ){0,2}(?:hilang|dicuri|dirampok|ditukar|diganti|dibuka|dibakar)", 0.8),
    (r"(?:curi|mencuri|pencurian|rampok|merampok|perampokan) suara", 0.85),
    (r"pemilih siluman|dpt (?:siluman|fiktif|ganda|bodong)|pemilih (?:fiktif|ganda|hantu)|suara siluman", 0.75),
    (r"jual beli suara|beli suara|politik uang|serangan fajar|money politic", 0.6),
    (r"pemilu (?:\w+ )?(?:settingan|rekayasa|abal abal|palsu|boneka)|hasil (?:\w+ )?(?:sudah |telah )?(?:diatur|ditentukan|dikondisikan)", 0.8),
    (r"(?:coblos|mencoblos|dicoblos) sendiri|(?:ditukar|diganti) (?:angka|hasil)(?:nya)?", 0.7),
    (r"hak angket|audit forensik|diaudit ulang", 0.4),
    (r"kotak suara kardus|(?:kpps|petugas) (?:\w+ )?(?:mencoblos|coblos sendiri)", 0.5),
    # lexicon v3 (issue 13): election-fraud narratives as they circulated in 2024 (pre-marked ballots,
    # inflated or moved counts, Sirekap changing numbers, rigged recapitulation, foreign servers)
    (r"surat suara (?:\w+ ){0,4}(?:sudah |telah )?(?:tercoblos|dicoblos)|(?:sisa )?surat suara sisa (?:\w+ ){0,2}dicoblos|"
     r"(?:mencoblos|coblos|nyoblos) sisa surat suara", 0.8),
    (r"(?:suara|angka|perolehan)(?: \w+){0,4} (?:digelembungkan|ditambah|dikurangi|dipindah|dipindahkan|dialihkan|"
     r"disulap|diubah|diganti|berubah sendiri)|(?:mengubah|ubah|ganti|mengganti) (?:angka|perolehan|data|hasil)", 0.7),
    (r"sirekap (?:\w+ ){0,4}(?:sengaja|diubah|mengubah|ubah|direkayasa|disetting|diatur|dipakai)|"
     r"(?:operator|algoritma|sistem|input|angka|data) (?:di )?sirekap|(?:input|algoritma) (?:\w+ ){0,3}(?:dimanipulasi|diatur)",
     0.6),
    (r"rekap(?:itulasi)?(?: \w+){0,4} (?:dimainkan|direkayasa|diatur|dicurangi|dimanipulasi|diakali)|"
     r"(?:c1|c hasil|formulir|form) (?:\w+ ){0,2}(?:ditukar|diganti|dipalsukan|diubah|palsu)", 0.8),
    (r"server (?:\w+ ){0,3}(?:di |ada di |berada di )?(?:luar negeri|singapura|china|cina|asing|prancis|perancis)|"
     r"(?:dikendalikan|diatur|dikuasai|diubah) (?:\w+ ){0,2}(?:asing|luar negeri)", 0.7),
    (r"melebihi dpt|lebih (?:banyak )?dari (?:jumlah )?dpt|100 persen untuk (?:satu|salah satu)|"
     r"(?:orang|pemilih|warga) (?:yang )?(?:sudah )?(?:mati|meninggal) (?:ikut )?(?:memilih|nyoblos|mencoblos)", 0.7),
    (r"(?:quick count|hasil survei|lembaga survei) (?:\w+ ){0,3}(?:dipesan|dibayar|diatur|settingan|pesanan)|"
     r"saksi (?:\w+ ){0,2}(?:diusir|dihalangi|dilarang masuk)|kotak suara (?:\w+ ){0,3}dibuka (?:malam|tanpa saksi)", 0.7),
    (r"(?:aparat|kepala desa|kades|lurah|camat|asn) (?:\w+ ){0,3}(?:mengarahkan|menggiring|memaksa|mengintimidasi) "
     r"(?:warga )?(?:untuk )?(?:memilih|mencoblos|nyoblos)", 0.7),
)

# Words right before a cue that turn a call or claim into its opposite.
_NEGATORS = frozenset(
    "jangan tidak bukan tanpa stop hindari tolak anti menolak cegah mencegah hentikan larang melarang "
    "dilarang bantah membantah menepis ogah enggan".split()
)
# Reporting, denial or fact-check framing anywhere in the post: the post talks *about* it.
_REPORTING = re.compile(
    r"\b(?:hoaks|hoax|hoks|disinformasi|klarifikasi|cek fakta|tidak terbukti|tak terbukti|membantah|dibantah|"
    r"bantah|menepis|dilaporkan|diamankan|ditangkap|membubarkan|dibubarkan|imbauan|mengimbau|menghimbau|"
    r"himbauan|polisi (?:menangkap|mengamankan|menyelidiki)|berita|menurut laporan|diduga|sidang|"
    r"tuduhan|dituduh|menuduh|fitnah|tidak ada (?:bukti|kecurangan))\b"
)
# A fraud cue counts more when the post is about an election at all ("curang" at cards is not news).
_ELECTION_CONTEXT = re.compile(
    r"\b(?:pemilu|pilpres|pilkada|pileg|kpu|kpud|bawaslu|tps|suara|paslon|capres|cawapres|caleg|rekap\w*|"
    r"sirekap|mk|coblos|pencoblosan|kpps|ppk|quick count|real count|dpt|c1|rezim|partai|saksi|petahana)\b"
)
_ELECTION_CONTEXT_WEIGHT = 0.35
_NEGATION_FACTOR = 0.15
_REPORTING_FACTOR = 0.45

TENSION_WEIGHTS: dict[str, float] = {"incivility": 0.25, "hate": 0.5, "provocation": 0.8, "fraud_claim": 0.6}


@dataclass(frozen=True)
class _Lexicon:
    pattern: re.Pattern[str]
    kinds: tuple[re.Pattern[str], ...]  # each cue alone, to tell which one the combined pattern matched
    weights: tuple[float, ...]

    @classmethod
    def build(cls, cues: tuple[tuple[str, float], ...]) -> "_Lexicon":
        # One plain alternation: without a named group around each cue, the regex engine can reject a
        # cue by its first letter, which halves the scan; the cue matched is found afterwards, per match.
        alternatives = "|".join(rx for rx, _ in cues)
        return cls(re.compile(rf"(?<![a-z0-9_])(?:{alternatives})(?![a-z0-9_])"),
                   tuple(re.compile(rf"(?:{rx})(?![a-z0-9_])") for rx, _ in cues), tuple(w for _, w in cues))

    def _kind(self, text: str, start: int) -> int:
        """The first cue that matches at `start`: the alternative the combined pattern took there."""
        for kind, single in enumerate(self.kinds):
            if single.match(text, start) is not None:
                return kind
        return -1

    def cues(self, text: str) -> list[tuple[int, float]]:
        """(start offset, weight) of every non-overlapping cue, one per cue kind at most."""
        found: dict[int, tuple[int, float]] = {}
        for m in self.pattern.finditer(text):
            kind = self._kind(text, m.start())
            if kind < 0:
                continue
            weight = self.weights[kind]
            if _negated(text, m.start()):
                weight *= _NEGATION_FACTOR
            best = found.get(kind)
            if best is None or weight > best[1]:
                found[kind] = (m.start(), weight)
        return list(found.values())


def _negated(text: str, start: int) -> bool:
    before = text[max(0, start - 40):start].split()[-3:]
    if "diam" in before:  # "tidak (akan) diam" is a double negative: a call, not its refusal
        return False
    return any(w in _NEGATORS for w in before)


def _noisy_or(weights: list[float]) -> float:
    p = 1.0
    for w in weights:
        p *= 1.0 - w
    return 1.0 - p


_PROVOCATION = _Lexicon.build(PROVOCATION_CUES)
_FRAUD = _Lexicon.build(FRAUD_CUES)
_CALL_RX = re.compile(_CALL)


def _cue_score(lexicon: "_Lexicon", normalized: str, context: "re.Pattern[str]", context_weight: float) -> float:
    """Noisy-OR of the cues found, plus one cue for supporting context, damped when the post reports."""
    cues = lexicon.cues(normalized)
    if not cues:
        return 0.0
    weights = [w for _, w in cues]
    if max(weights) > 0.2 and context.search(normalized):
        weights.append(context_weight)
    score = _noisy_or(weights)
    if _REPORTING.search(normalized):
        score *= _REPORTING_FACTOR
    return round(score, 6)


def provocation_score(normalized: str) -> float:
    return _cue_score(_PROVOCATION, normalized, _CALL_RX, _PROVOCATION_CALL_WEIGHT)


def fraud_claim_score(normalized: str) -> float:
    return _cue_score(_FRAUD, normalized, _ELECTION_CONTEXT, _ELECTION_CONTEXT_WEIGHT)


def tension_score(scores: dict[str, float]) -> float:
    """Noisy-OR of the other signals, each scaled by how directly it predicts offline conflict."""
    p = 1.0
    for name, w in TENSION_WEIGHTS.items():
        p *= 1.0 - w * scores[name]
    return round(1.0 - p, 6)


class LexiconSignals:
    version = f"lexicon-v{LEXICON_VERSION}"

    def score(self, normalized: str) -> tuple[float, float]:
        return provocation_score(normalized), fraud_claim_score(normalized)
