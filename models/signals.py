"""Provocation and fraud-claim scores from a hand-written lexicon with rules (no labelled data exists).

Design (explained in the model card): each cue has a weight, the score is a noisy-OR of the cue
weights found in the *normalised* text, and context rules scale a cue down when it is negated or
discouraged ("jangan turun ke jalan"), denied ("tidak ada kecurangan"), or reported rather than
called for ("polisi membubarkan massa yang mengepung..."). Cues are compiled into one regex per
signal, so a post costs one scan per signal. Pure and deterministic.

Why one long module: most of it is the cue lists (provocation, fraud claim phrases and predicates, context
and framing patterns) that the scoring rules read together; the fast first-letter forms of the fraud patterns
sit next to their plain references, which tests hold equal (tests/unit/test_fraud_claim_fast.py).
"""

from __future__ import annotations

import re
import re._parser as sre_parse  # type: ignore[import-not-found]
from dataclasses import dataclass, field
from typing import Callable

from models.regex_dispatch import dispatch

__all__ = ["LexiconSignals", "LEXICON_VERSION", "provocation_score", "fraud_claim_score", "tension_score", "FRAUD_CUES",
           "FRAUD_PREDICATES", "TENSION_WEIGHTS", "REPORTING_FACTOR", "fraud_framing_damps"]

LEXICON_VERSION = "6"

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

# --- fraud_claim (lexicon v4, issue 13 item 4) ---------------------------------------------------------
# Two kinds of cue. FRAUD_CUES are phrases that carry the claim on their own ("penggelembungan suara",
# "kecurangan", "serangan fajar"). FRAUD_PREDICATES are fraud predicates ("digelembungkan", "diubah",
# "dicoblosin", "siluman", "dibuka") that count only when an *election object* (_FRAUD_OBJECT: surat/kotak
# suara, C1, Sirekap, DPT, rekap, KPPS, ...) is within a few words of them: "angka di C1 diubah" is a claim,
# "jadwalnya diubah" is not. Predicates come in two strengths: strong ones (0.6-0.85) label a post alone;
# weak ones (_WEAK, 0.22) need a second cue, typically a suspicion marker (_FRAUD_SUSPICION: "tanpa saksi",
# "tengah malam", "siapa yang", "jelas", "ketahuan") or another predicate. Debunking framing
# (_FRAUD_DEBUNK: "ternyata itu", "faktanya", "salah baca", "sudah dikoreksi") damps like reporting does.
# Normalised text: "dpt" reaches the lexicon as "dapat" (models/slang.py), so the voter list is matched as
# "dapat" only next to a fraud word ("dapat siluman", "dari jumlah dapat").
_V = r"(?:nya|lah|in|kan)?"  # the suffixes that colloquial verbs take: digelembungin, diubahnya, dicoblosin
_WEAK = 0.22
_DPT = r"(?:dpt\w*|dapat (?=siluman|fiktif|fiktip|ganda|hantu|bodong|palsu|gelembung)|(?<=di )dapat|(?<=jumlah )dapat)"
_FRAUD_OBJECT = re.compile(
    r"\b(?:suara\w*|surat suara|kertas suara|kotak suara\w*|perolehan\w*|rekap\w*|pleno|"
    r"c1\w*|c hasil|plano|sirekap|dptb|pemilih(?:nya|e)?|kpps\w*|ppk|pps|kpud?|saksi|tps|quick count|real count|qc|"
    r"coblos\w*|nyoblos)\b|" + _DPT)
# Objects that are election objects only in an election post: "hasil timbangan di-setting" is not a claim.
_GENERIC_OBJECT = re.compile(
    r"\b(?:hasil\w*|angka\w*|data\w*|formulir|form|server|sistem|situs|database|ktp|nik|petugas|panitia|"
    r"kotak\w*|segel\w*|gembok|kursi|nama\w*)\b")
FRAUD_CUES: tuple[tuple[str, float], ...] = (
    (r"curang\w*", 0.45),
    (r"kecurangan\w*|dicurangi|mencurangi|pencurangan|kcurangan", 0.6),
    (r"(?:kpu|bawaslu|mk|pemilu|pilpres|pilkada|hasil|penghitungan|rekap(?:itulasi)?|quick count|sirekap|"
     r"petugas|kpps|komisioner) (?:\w+ ){0,2}(?:curang|bohong|diatur|settingan|setingan|rekayasa|direkayasa|"
     r"dimanipulasi|tidak netral|berpihak|dibeli|cacat)", 0.85),
    (r"surat suara (?:\w+ )?(?:sudah |telah )?(?:tercoblos|dicoblos|tercoblos duluan|dicoblos duluan)|sudah tercoblos", 0.85),
    (r"sirekap (?:\w+ )?(?:dimanipulasi|manipulasi|curang|diretas|diatur|bohong|menggelembungkan)", 0.8),
    (r"manipulasi (?:suara|data|hasil|angka|sirekap|rekap\w*)|(?:suara|data|hasil|angka) (?:\w+ )?dimanipulasi", 0.85),
    (r"\btsm\b|terstruktur sistematis (?:dan )?masif", 0.8),
    (r"penggelembungan(?: suara)?|(?:suara|angka) (?:\w+ )?digelembungkan|mark ?up suara|menggelembungkan suara", 0.85),
    (r"(?:suara|kotak suara|c1|form c1|c hasil) (?:\w+ ){0,2}(?:dicuri|dirampok|ditukar|dibakar)", 0.8),
    (r"(?:curi|mencuri|pencurian|rampok|merampok|perampokan|colong|nyolong|maling) suara", 0.85),
    (r"pemilih siluman|(?:dpt|dapat) (?:siluman|fiktif|bodong)|pemilih (?:fiktif|hantu)|suara siluman", 0.75),
    (r"jual beli suara|beli suara", 0.6),
    (r"politik uang|serangan fajar|money politics?", 0.45),
    (r"pemilu (?:\w+ )?(?:settingan|setingan|rekayasa|abal abal|palsu|boneka)|"
     r"hasil (?:\w+ )?(?:sudah |telah )?(?:diatur|ditentukan|dikondisikan|dikunci)", 0.8),
    (r"(?:coblos|mencoblos|dicoblos) sendiri|(?:ditukar|diganti) (?:angka|hasil)(?:nya)?", 0.7),
    (r"hak angket|audit forensik|diaudit ulang", 0.2),
    (r"kotak suara kardus|(?:kpps|petugas) (?:\w+ )?(?:mencoblos|coblos sendiri)", 0.5),
    # lexicon v3 (issue 13): election-fraud narratives as they circulated in 2024
    (r"surat suara (?:\w+ ){0,4}(?:sudah |telah )?(?:tercoblos|dicoblos)|(?:sisa )?surat suara sisa (?:\w+ ){0,2}dicoblos|"
     r"(?:mencoblos|coblos|nyoblos) sisa surat suara", 0.8),
    (r"(?:suara|angka|perolehan)(?: \w+){0,4} (?:digelembungkan|dikurangi|dipindah|dipindahkan|dialihkan|"
     r"disulap|berubah sendiri)|(?:mengubah|ubah|ganti|mengganti) (?:angka|perolehan|data|hasil)", 0.7),
    (r"sirekap (?:\w+ ){0,4}(?:sengaja|diubah|mengubah|ubah|direkayasa|disetting|diatur|dipakai)|"
     r"(?:input|algoritma) (?:\w+ ){0,3}(?:dimanipulasi|diatur)", 0.6),
    (r"rekap(?:itulasi)?(?: \w+){0,4} (?:dimainkan|direkayasa|diatur|dicurangi|dimanipulasi|diakali)|"
     r"(?:c1|c hasil|formulir|form) (?:\w+ ){0,2}(?:ditukar|diganti|dipalsukan|diubah|palsu)", 0.8),
    (r"server (?:\w+ ){0,3}(?:di |ada di |berada di )?(?:luar negeri|luar negri|singapura|china|cina|asing|prancis|perancis)|"
     r"(?:dikendalikan|diatur|dikuasai|diubah) (?:\w+ ){0,2}(?:asing|luar negeri)", 0.7),
    (r"melebihi (?:jumlah )?(?:dpt|dapat|pemilih)|lebih (?:banyak )?(?:dari|daripada) (?:jumlah )?(?:dpt|dapat|pemilih)|"
     r"100 persen untuk (?:satu|salah satu)|"
     r"(?:orang|pemilih|warga) (?:yang )?(?:sudah )?(?:mati|meninggal) (?:ikut )?(?:memilih|nyoblos|mencoblos)", 0.7),
    (r"(?:quick count|qc|hasil survei|lembaga survei) (?:\w+ ){0,3}(?:dipesan|dibayar|diatur|settingan|pesanan|bayaran)|"
     r"(?:survei|lembaga survei) bayaran|"
     r"(?:saksi|pengawas|panwas\w*|pengawas tps) (?:\w+ ){0,2}(?:diusir|dihalangi|dilarang masuk|diancam|dikurung|disekap|"
     r"dipukul|diintimidasi)|"
     r"kotak suara (?:\w+ ){0,3}dibuka (?:\w+ ){0,2}(?:malam|tanpa saksi|bengi)", 0.7),
    (r"(?:aparat|kepala desa|kades|lurah|camat|asn|polisi|babinsa|bupati|presiden|kepala dusun|rt|rw) (?:\w+ ){0,8}"
     r"(?:mengarahkan|menggiring|memaksa|mengintimidasi|menyuruh|memerintahkan|perintahkan|ngarahin|minta|disuruh|"
     r"bilang wajib|wajib) "
     r"(?:\w+ ){0,3}(?:untuk )?(?:memilih|mencoblos|nyoblos|coblos|pilih)", 0.7),
    # lexicon v4: the claim as a whole, in forms lexicon v3 missed on the v2 dev set
    (r"(?:wna|orang asing|warga asing|tka) (?:\w+ ){0,3}(?:masuk|terdaftar|ada|ikut) (?:\w+ ){0,2}(?:dpt|dapat|nyoblos|"
     r"memilih|mencoblos)|(?:bansos|blt|bantuan|pkh)\w* (?:\w+ )?(?:dicabut|dihentikan|distop|tidak cair) "
     r"(?:\w+ )?(?:kalau|jika|kalo|bila)|tidak (?:dapat|dapet|akan dapat) (?:bansos|bantuan|blt|pkh)\w* (?:kalau|jika|kalo)|"
     r"(?:timses|tim sukses|caleg|paslon|ent_paslon|ent_tokoh|petahana) (?:\w+ ){0,3}(?:bagi bagi|membagikan|bagi|"
     r"nyebar|menyebar) (?:\w+ ){0,2}(?:uang|duit|amplop)|(?:mencoblos|nyoblos|memilih|coblos) (?:\w+ )?atas nama orang lain|"
     r"(?:ada yang|orang lain) (?:pakai|memakai|menggunakan) (?:nama|ktp|undangan)\w*", 0.6),
    (r"(?:aparat|asn|polisi|tni|kpu|bawaslu|kpps|penyelenggara|kepala desa|kades|camat|lurah) (?:\w+ ){0,2}"
     r"(?:tidak|tak|gak) netral|cawe cawe|mesin negara|alat negara (?:\w+ )?(?:dipakai|dikerahkan)", 0.7),
    (r"(?:bagi bagi|membagikan|dibagikan|dibagi|dibagiin|nyebar|menyebar|sebar) (?:\w+ ){0,3}(?:uang|duit|amplop|sembako|"
     r"voucher|token listrik|pulsa|bansos|beras)(?: \w+){0,8} (?:pilih|memilih|coblos|nyoblos|mencoblos|nomor|"
     r"caleg|paslon|ent_paslon|ent_nomor|ent_tokoh|petahana|ke tps|tps|suara)|"
     r"amplop (?:\w+ ){0,6}(?:serangan fajar|timses|caleg|paslon|nomor|ke tps|per kepala|tiap rumah|saben omah)|"
     r"(?:dibayar|bayar) (?:\w+ ){0,2}(?:\d+ ?(?:rb|ribu|ewu|k|jt|juta)\w* )?(?:buat|untuk|supaya|biar|agar)? ?"
     r"(?:nyoblos|mencoblos|memilih|coblos|milih)|menang (?:pakai|pake|karena|dengan) (?:duit|uang)|"
     r"(?:suara|suara rakyat) (?:\w+ )?dibeli|(?:membeli|beli) suara\w*", 0.7),
    (r"(?:pemenang|pemenangnya|yang menang|ending|hasil akhir)\w* (?:\w+ ){0,2}(?:sudah |udah |telah )?(?:ditentukan|ditulis|"
     r"diatur|dikunci|disiapkan|disiapin)|(?:sudah |udah )?(?:diatur|disiapkan|disiapin|disetting|disetel|dikunci) "
     r"(?:dari|sama|oleh) (?:awal|atas|pusat|istana|penguasa|orang partai|yang punya kuasa)", 0.7),
    (r"(?:situs|sistem|server|database|web|website|data) (?:\w+ ){0,2}kpu\w* (?:\w+ ){0,2}(?:diretas|dibobol|dihack|dijebol|"
     r"disusupi)|hacker (?:\w+ ){0,3}(?:sistem|server|situs|data) kpu", 0.6),
    (r"(?:kotak suara\w*|surat suara|kertas suara|c1\w*|plano|segel\w*|gembok\w*) (?:\w+ ){0,4}(?:dibuang|dibakar|dibongkar|"
     r"diisi ulang|dibawa pulang|diutak atik|diotak atik|diobok obok)|mengisi (?:\w+ ){0,2}surat suara kosong", 0.7),
    (r"(?:sistem|mesin|alat) (?:rekayasa|curang)|sistem rekayasa kemenangan", 0.7),
    (r"(?:kpps|ppk|pps|petugas|panitia|operator|ketua kpps|lurah|camat|kpud?|bupati) (?:\w+ ){0,3}"
     r"(?:nyoblosin|nyoblos|mencoblosi|dicoblosin|coblosin|mengisi|ngapus|menghapus|mencoret|nyelipin|menyelipkan|"
     r"mengubah|ngubah|ngerubah|merubah|mengganti|nambahin|menambahkan|membacakan suara)(?: \w+){0,3} "
     r"(?:surat suara|suara|angka\w*|c1\w*|perolehan|hasil)", 0.7),
)
# Predicates that need an election object near them: (regex, weight). The object is looked for up to
# _OBJECT_BEFORE characters before and _OBJECT_AFTER after the predicate.
FRAUD_PREDICATES: tuple[tuple[str, float], ...] = (
    (r"(?:ter|ke|di) ?coblos(?:in|kan)? (?:duluan|sendiri|semua|sebelum \w+|oleh (?:petugas|panitia|kpps|orang|oknum)|"
     r"malam)|(?:sudah|telah) (?:ada )?(?:ter|ke|di) ?coblos\w*|kecoblos\w*|dicoblosin|nyoblosin|coblosin|"
     r"semua (?:di|ter)coblos\w*|tercoblos|"
     r"(?:sudah )?(?:bolong|ada lubang coblosan|ada lubang)", 0.8),
    (r"(?:di|ter|me|ng|nge|meng)?(?:ge)?gelembung\w*|penggelembungan|mark ?up|membengkak|dibengkakkan|menggembung\w*", 0.8),
    (r"(?:di|me)?manipulasi\w*|(?:di|me)?rekayasa\w*|(?:di|ter)?setting\w*|disetel|setingan|settingan|"
     r"dikondisikan|diakali|akal akalan|di(?:main|maen)(?:in|kan|nin)|(?:main|maen)(?:in|kan) (?:angka|suara|data)|"
     r"permainan (?:angka|suara)|"
     r"(?:di)?(?:utak|otak) atik|diobok obok|disulap|dipalsu\w*|dicolong|dirampok|dicuri|diilangin|dihilangkan|"
     r"dipangkas|dipotong|dialihkan|ditukar|ditulis ulang|diedit|ngegelembungin", 0.7),
    (r"siluman|fiktif|fiktip|hantu|bodong", 0.75),
    (r"(?:mati|meninggal|wafat|almarhum\w*|alm|kuburan|mayat)(?: \w+){0,12} (?:memilih|nyoblos|mencoblos|dicoblos|"
     r"dicentang|hadir|tanda tangan\w*|tercatat)", 0.6),
    # weak predicates, one kind per family so that two families add up
    (r"(?:di|me|ng)?(?:ubah|rubah|robah)\w*|(?:di|meng)?ganti\w*|berubah\w*|dipindah\w*|pindah ke (?:caleg|partai|paslon|calon|ent_\w+)|beda|tidak sesuai", _WEAK),
    (r"(?:di|me)?nambah\w*|ditambah\w*|menambah\w*|dikurang\w*|berkurang|turun terus|naik (?:drastis|terus|tiba tiba)|"
     r"melonjak|(?:tiba tiba )?(?:naik|gede|besar|nambah) (?:\w+ ){0,3}(?:semalam|tengah malam)|hilang|raib|lenyap", _WEAK),
    (r"dikendalikan|diatur\w*|ngatur|mengatur|disiapin|disiapkan|numpang|dibeli|dibayar|palsu|ganda|sandiwara|"
     r"formalitas|stempel|figuran|kongkalikong", _WEAK),
    (r"diretas|bocor|ngawur|error|eror|menguntungkan (?:satu|salah satu|paslon|calon|pihak)", _WEAK),
    (r"dihalangi|diancam|diusir|dikurung|diintimidasi|dilarang masuk|disuruh (?:memilih|nyoblos|mencoblos|milih)|"
     r"door to door|wajib pilih|dimutasi", _WEAK),
    (r"(?:kotak|segel|gembok)\w* (?:\w+ ){0,4}(?:dibuka\w*|kebuka|dibukak|dibongkar)|"
     r"(?:angka|c1|c hasil|hasil|plano)\w* (?:\w+ ){0,3}dicoret\w*|tipe x|tanpa saksi|"
     r"disembunyikan|dipercepat", _WEAK),
)
_OBJECT_BEFORE, _OBJECT_AFTER = 60, 40
# Suspicion and spreading markers: a second cue for a weak predicate.
_FRAUD_SUSPICION = re.compile(
    r"\b(?:jelas(?<!tidak jelas)(?<!kurang jelas)(?<!tak jelas)(?<!gak jelas)(?<!nggak jelas)(?<!belum jelas)|"
    r"jelas jelas|pasti|ketahuan|terang terangan|tanpa saksi|tengah malam|malam malam|diam diam|bengi|"
    r"dalam semalam|semalaman|siapa yang|ada yang|kok bisa|kok|masa iya|mau diapain|gimana ceritanya|"
    r"bagaimana ceritanya|tidak masuk akal|tidak wajar|sebarkan|disebarkan|viral|beredar|bc|forwarded|"
    r"sengaja|disengaja|permainan|kotor|bukti\w*|saksikan sendiri|lihat sendiri|rekam(?! jejak)\w*|videonya|curang\w*|"
    r"dicurangi|kecurangan|tutup mata|diam saja|diem aja|bungkam|pantes|pantas|akal akalan|percuma|"
    r"tiba tiba|sebelum (?:pemilih|warga|hari h|dibagikan|tps dibuka|saksi)|duluan|pemilu ap\w*|rakyat dibohongi|"
    r"buat siapa|kalau bukan|padahal|apa gak|apa tidak|mana mungkin|teu dibere|seenaknya|yang (?:menolak|nolak|"
    r"tidak mau)|(?:biar|supaya|agar) tidak bisa|didiamkan|diabaikan|tidak ditindaklanjuti|"
    r"oleh (?:pps|ppk|kpps|petugas|panitia|operator|lurah|camat|oknum|orang partai)|"
    r"(?:paslon|calon|caleg|partai|pihak) (?:tertentu|sebelah)|ent_paslon tertentu)\b"
)
_FRAUD_SUSPICION_WEIGHT = 0.3
_SUSPICION_REACH = 100  # characters either side of a cue: a marker in another sentence of a long text is no second cue
# A post that debunks a claim (names it and rejects it) is not the claim being pushed: damped like
# reporting. "bukan hoaks" ("it is not a hoax!") is the opposite and is taken out first.
_FRAUD_DEBUNK = re.compile(
    r"\b(?:(?:itu|ini|kabar|info|berita|isu|narasi|informasi|pesan) (?:\w+ )?tidak benar|tidak benar bahwa|tidak berdasar|keliru|faktanya|fakta nya|sudah dikoreksi|dikoreksi|salah baca|"
    r"salah input|salah ketik|kesalahan (?:input|ocr|baca|teknis|konversi|tulis)|ternyata (?:itu|hanya|cuma|hasil|"
    r"salah|bukan|cacat|prosedur|rekaman|video lama|foto lama|amplop zakat)|jangan (?:sebarkan|share|disebarkan|"
    r"percaya|mudah percaya|termakan)|cek dulu|bukan kecurangan|diklarifikasi|spesimen|editan|hoaks lama|"
    r"coba cek lagi|yang bilang|sumber resmi\w*|ada sumber\w*|dipelintir|sudah dicek|setelah dicek|tidak ditemukan|"
    r"laporan dugaan|dugaan pelanggaran|tidak memenuhi unsur|"
    # lexicon v5: procedure explained, errors corrected, messages called false
    r"(?:tidak|tak|gak|nggak|ga|belum) ada buktinya|"
    r"(?:pesan|kabar|isu|narasi|broadcast|pesan berantai)(?: \w+){0,8} (?:itu |ini )?palsu|"
    r"tetap sah|(?:dihitung|dinyatakan|dianggap) sah|"
    r"(?:menurut|sesuai|berdasarkan) (?:aturan|panduan|pkpu|ketentuan|prosedur|juknis|peraturan)|"
    r"bimtek|bimbingan teknis|"
    r"(?:sudah|langsung|segera|lalu) (?:dibetulkan|diperbaiki|diralat|dibenahi)|"
    r"(?:sudah|udah|udh|wis|sudah di|udah di) ?(?:dijelaskan|dijelasin|jelasin|njelaske|menjelaskan)|video lama|"
    r"tidak menemukan|cara (?:lapor|melapor|melaporkan)|lapornya ke mana|"
    # lexicon v6 (blind v4's civil false positives read): fact-check exhortations, checks done, data found to
    # match, which document counts explained, legal correction, integrity affirmed, damaged ballots handled
    r"periksa dulu|sebelum (?:share|di share|dishare|forward|diforward|meneruskan|diteruskan|menyebarkan (?:info|kabar|pesan|berita))|"
    r"(?:sudah|telah|setelah|udah) (?:diperiksa|diverifikasi|dicocokkan)|"
    r"(?:punya saya|punyaku|punya kami|punya kita|semuanya|semua) (?:sudah |juga |tetap |ternyata )?(?:cocok|klop)|"
    r"yang (?:dipakai|digunakan|berlaku|jadi acuan|menjadi acuan|dijadikan acuan) (?:adalah |tetap )?(?:plano|c hasil|"
    r"c plano|formulir|hasil (?:rekap\w*|hitung|pleno))|"
    r"mekanisme koreksi|(?:hasil|putusan) (?:sengketa|gugatan) (?:di )?(?:mk|mahkamah)|putusan (?:mk|mahkamah|dkpp)|"
    r"segel\w* (?:masih |tetap |dalam keadaan )?(?:utuh|aman)|"
    r"rusak (?:\w+ ){0,4}(?:dicatat|disisihkan|diganti (?:dari|dengan|pakai) (?:surat suara )?cadangan)|"
    # lexicon v6, from the lexicon's false positives on the hand-written civil training posts: a message named
    # and called untrue further away, "checked, and it turned out", ballot validity explained, claims without
    # proof, talk *about* fraud (discussed, detected, a myth, a term)
    r"(?:kabar|klaim|cerita|isu|berita|info|informasi|narasi|pesan|broadcast|tuduhan)(?: \w+){0,10} tidak benar|"
    r"dicek(?:nya)? ternyata|salah coblos|surat suara (?:yang )?tidak sah karena|"
    r"tanpa bukti|buktinya (?:mana|tidak kuat|lemah|kurang)|gagal membuktikan|tidak (?:bisa|dapat|mampu) membuktikan|"
    r"membahas|dibahas|mendeteksi|mengenali modus|literasi digital|mitos|istilah)\b"
)
_NOT_A_HOAX = re.compile(r"\b(?:(?:bukan|tidak|ini bukan) (?:hoaks|hoax|hoks)|bukan (?:salah baca|salah input|salah ketik))\b")

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
    r"sirekap|mk|coblos|pencoblosan|kpps|ppk|quick count|real count|dpt|c1|rezim|partai|saksi|petahana|"
    r"ent_paslon|ent_nomor|pilgub|pps|timses|masa tenang|surat suara)\b"
)
_ELECTION_CONTEXT_WEIGHT = 0.35
_NEGATION_FACTOR = 0.15
_REPORTING_FACTOR = 0.45
REPORTING_FACTOR = _REPORTING_FACTOR  # what a reporting or debunking frame leaves of a fraud score


def fraud_framing_damps(normalized: str) -> bool:
    """Whether the post reports on or debunks a fraud claim (lexicon v4's framing test; the fraud head
    in models/fraud_head.py is damped by it too)."""
    framing = _NOT_A_HOAX.sub(" ", normalized) if "bukan" in normalized or "tidak" in normalized else normalized
    return bool(_REPORTING.search(framing) or _FRAUD_DEBUNK.search(framing)) or _fraud_denied(normalized)


_DENIAL_BEFORE = re.compile(r"\b(?:bukan|(?:tidak|tak|gak|nggak|belum) ada)(?: \w+)? $")


def _fraud_denied(normalized: str) -> bool:
    """lexicon v6: a statement (no question mark) that names fraud only to deny it ("bukan dicurangi, memang
    kalah", "tidak ada kecurangan"): the lexicon finds at least one fraud cue or predicate and every one of them
    has "bukan" or "tidak ada" within the two words before it. The lexicon's own score already weights such
    cues down; this lets the fraud head be damped too. Questions are left out: "kalau ini bukan curang?" asserts."""
    if "?" in normalized or ("bukan" not in normalized and " ada " not in normalized):
        return False
    starts = [m.start() for m in _FRAUD.pattern.finditer(normalized)]
    starts += [m.start() for m in _FRAUD_PREDICATE.pattern.finditer(normalized)]
    return bool(starts) and all(_DENIAL_BEFORE.search(normalized, max(0, s - 30), s) is not None for s in starts)

TENSION_WEIGHTS: dict[str, float] = {"incivility": 0.25, "hate": 0.5, "provocation": 0.8, "fraud_claim": 0.6}


@dataclass(frozen=True)
class _Lexicon:
    pattern: re.Pattern[str]
    kinds: tuple[re.Pattern[str], ...]  # each cue alone, to tell which one the combined pattern matched
    weights: tuple[float, ...]
    memo: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def build(cls, cues: tuple[tuple[str, float], ...], by_first_char: bool = False) -> "_Lexicon":
        # One plain alternation: without a named group around each cue, the regex engine can reject a
        # cue by its first letter, which halves the scan; the cue matched is found afterwards, per match.
        # by_first_char: the same alternation rewritten so that the engine tries, at a word start, only the
        # alternatives that begin with its letter (models/regex_dispatch.py; the same matches, 3-4x faster).
        if by_first_char:
            pattern = dispatch([rx for rx, _ in cues], r"(?<![a-z0-9_])", r"(?![a-z0-9_])")
        else:
            alternatives = "|".join(rx for rx, _ in cues)
            pattern = re.compile(rf"(?<![a-z0-9_])(?:{alternatives})(?![a-z0-9_])")
        return cls(pattern,
                   tuple(re.compile(rf"(?:{rx})(?![a-z0-9_])") for rx, _ in cues), tuple(w for _, w in cues))

    def _kind(self, text: str, start: int) -> int:
        """The first cue that matches at `start`: the alternative the combined pattern took there."""
        for kind, single in enumerate(self.kinds):
            if single.match(text, start) is not None:
                return kind
        return -1

    def _kind_of(self, matched: str) -> int:
        """_kind for a match, memoised on the matched text: the alternative the combined pattern took is the
        first cue that matches that text alone (an earlier cue matching a prefix of it would have been taken
        instead; no cue looks behind its start). Equal to _kind(text, m.start()) on every text tested."""
        kind = self.memo.get(matched)
        if kind is None:
            kind = self._kind(matched, 0)
            if len(self.memo) >= _MEMO_SIZE:
                self.memo.clear()
            self.memo[matched] = kind
        return kind

    def cues(self, text: str, near: "Callable[[str], bool] | None" = None,
             contrast: bool = False) -> list[tuple[int, float]]:
        """(start offset, weight) of every non-overlapping cue, one per cue kind at most.

        `near`: a cue counts only where near(window) holds for the text from _OBJECT_BEFORE characters before it
        to _OBJECT_AFTER after it (a fraud predicate needs an election object there). `contrast`: a negator before
        "tapi"/"melainkan" does not reach a cue after it ("bukan menang, tapi merampok suara").
        """
        found: dict[int, tuple[int, float]] = {}
        for m in self.pattern.finditer(text):
            start = m.start()
            if near is not None and not near(text[max(0, start - _OBJECT_BEFORE):m.end() + _OBJECT_AFTER]):
                continue
            kind = self._kind_of(m.group(0))
            if kind < 0:
                continue
            weight = self.weights[kind]
            if _negated(text, start, contrast):
                weight *= _NEGATION_FACTOR
            best = found.get(kind)
            if best is None or weight > best[1]:
                found[kind] = (start, weight)
        return list(found.values())


_MEMO_SIZE = 4096
_CONTRAST = frozenset({"tapi", "tetapi", "melainkan", "namun"})
_IF = frozenset({"kalau", "jika", "kalo", "klo", "kl"})
_DENIED = re.compile(r"\b(?:tidak|tak|belum) (?:ada|ditemukan|terbukti)(?: \w+){0,4} $")
# lexicon v6: "kalau ada (yang) beda, lapor": a cue inside an existential if-clause is supposed, not asserted
_HYPOTHETICAL = re.compile(r"\b(?:kalau|kalo|klo|jika|bila|apabila|seandainya|andaikan|misalnya) (?:memang )?"
                           r"(?:ada|ditemukan|menemukan|nemu|ketemu|terjadi|melihat|lihat|liat|terdapat)(?: \w+){0,3} $")


_TAG_BEFORE = frozenset({"benar", "bener", "betul", "iya", "bisa"})


def _denies(before: "list[str]", i: int) -> bool:
    """Whether before[i] negates what follows: a negator, not in "kalau (ini) bukan" (a rhetorical negation
    asserts the claim) nor, lexicon v6, a question tag ("benar tidak sih ...", "tidak sih")."""
    w = before[i]
    if w not in _NEGATORS:
        return False
    if any(b in _IF for b in before[max(0, i - 2):i]):
        return False
    if (i > 0 and before[i - 1] in _TAG_BEFORE) or (i + 1 < len(before) and before[i + 1] == "sih"):
        return False
    return True


def _negated(text: str, start: int, contrast: bool = False) -> bool:
    before = text[max(0, start - 40):start].split()[-3:]
    if "diam" in before:  # "tidak (akan) diam" is a double negative: a call, not its refusal
        return False
    if contrast:
        for i in range(len(before) - 1, -1, -1):
            if before[i] in _CONTRAST:
                before = before[i + 1:]
                break
        # "kalau bukan digelembungkan, apa?": a rhetorical negation asserts the claim
        if any(_denies(before, i) for i in range(len(before))):
            return True
        # "tidak ada surat suara yang tercoblos": an existential denial reaches further than 3 words
        if _DENIED.search(text, max(0, start - 60), start) is not None:
            return True
        return _HYPOTHETICAL.search(text, max(0, start - 60), start) is not None
    return any(w in _NEGATORS for w in before)


def _noisy_or(weights: list[float]) -> float:
    p = 1.0
    for w in weights:
        p *= 1.0 - w
    return 1.0 - p


_PROVOCATION = _Lexicon.build(PROVOCATION_CUES)
_FRAUD = _Lexicon.build(FRAUD_CUES, by_first_char=True)
_FRAUD_PREDICATE = _Lexicon.build(FRAUD_PREDICATES, by_first_char=True)
# The plain alternations, for _fraud_claim_score_reference.
_FRAUD_REFERENCE = _Lexicon.build(FRAUD_CUES)
_FRAUD_PREDICATE_REFERENCE = _Lexicon.build(FRAUD_PREDICATES)
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


def _near_specific_object(window: str) -> bool:
    return _FRAUD_OBJECT.search(window) is not None


def _near_election_object(window: str) -> bool:
    return _FRAUD_OBJECT.search(window) is not None or _GENERIC_OBJECT.search(window) is not None


# Every fraud cue and predicate above contains one of these tokens (or an election object, which is in the
# set too): a post with none of them scores 0 after one split and one set test, without the regex scans.
# tests/unit/test_fraud_claim.py checks that the gate changes no score on every labelled and real text.
_FRAUD_GATE = frozenset("""
curang kecurangan kecurangannya dicurangi mencurangi pencurangan kcurangan curangnya dicurangin
suara suaranya suarane suaronyo suaraku suara2 surat kertas kotak kotaknya c1 c1nya plano sirekap dptb dpt pemilih pemilihnya
pemilihe kpps kppsnya ppk pps kpu kpud saksi tps qc quick real count coblos coblosan coblosin dicoblos dicoblosin tercoblos
kecoblos mencoblos nyoblos nyoblosin rekap rekapnya rekapitulasi perolehan perolehannya pemilu pilpres pilkada pileg pilgub
mk bawaslu paslon capres cawapres caleg partai rezim petahana ent_paslon ent_nomor timses masa pencoblosan
tsm terstruktur penggelembungan uang fajar money politic politics angket audit diaudit hasil hasilnya server
siluman fiktif fiktip hantu bodong mati meninggal wafat almarhum alm kuburan mayat wna asing tka bansos blt bantuan pkh
netral cawe mesin alat aparat asn polisi tni kades lurah camat babinsa bupati presiden pemenang pemenangnya menang ending
diatur disiapkan disiapin disetting disetel dikunci situs sistem database web website data hacker segel gembok segelnya
mengisi duit amplop dibayar bayar beli membeli dibeli survei kardus petugas panitia operator lembaga orang nama ktp
angka angkanya melebihi persen dimanipulasi manipulasi input algoritma formulir form negeri negri pengawas panwas panwaslu
panwascam kepala rt rw almarhumah bansosnya bltnya pemenangan
""".split())
# Anchors that the cues take with any suffix (suara\w*, rekap\w*, ...): looked for as substrings.
_FRAUD_GATE_STEMS = ("suara", "rekap", "coblos", "c1", "kpps", "curang", "gelembung", "perolehan", "dpt", "segel")


def fraud_claim_score(normalized: str) -> float:
    """Claim cues, and fraud predicates near an election object; election context and suspicion markers
    are second cues; reporting or debunking framing damps the score (lexicon v4)."""
    if _FRAUD_GATE.isdisjoint(normalized.split()) and not any(stem in normalized for stem in _FRAUD_GATE_STEMS):
        return 0.0
    return _fraud_claim_score(normalized)


def _bounded(source: str) -> "re.Pattern[str]":
    r"""`\b...\b` in the first-character form (models/regex_dispatch.py): the same matches."""
    inner = source[2:-2]
    assert repr(sre_parse.parse(source).data) == repr(sre_parse.parse(rf"\b(?:{inner})\b").data), source[:40]
    return dispatch([inner], r"\b", r"\b")


def _words(rx: "re.Pattern[str]") -> str:
    r"""The alternatives of a `\b(?:alternatives)\b` pattern."""
    inner = rx.pattern[len(r"\b(?:"):-len(r")\b")]
    assert rx.pattern == rf"\b(?:{inner})\b"
    re.compile(inner)  # balanced on its own: one group around all of it, so it joins others with "|"
    return inner


# The fast forms of the context patterns for fraud_claim_score; the plain ones above stay for the reference
# and for provocation. Only whether they find a match is used, except _NOT_A_HOAX_FAST (same matches).
_OBJECT_WORDS, _, _DPT_SOURCE = _FRAUD_OBJECT.pattern.partition(r")\b|")
assert _OBJECT_WORDS.startswith(r"\b(?:") and _DPT_SOURCE == _DPT
_OBJECT_WORDS = _OBJECT_WORDS[len(r"\b(?:"):]
_FRAUD_OBJECT_FAST = _bounded(rf"\b(?:{_OBJECT_WORDS})\b")
_ELECTION_OBJECT_FAST = _bounded(rf"\b(?:{_OBJECT_WORDS}|{_words(_GENERIC_OBJECT)})\b")
_DPT_RX = re.compile(_DPT)
_FRAUD_SUSPICION_FAST = _bounded(_FRAUD_SUSPICION.pattern)
_ELECTION_CONTEXT_FAST = _bounded(_ELECTION_CONTEXT.pattern)
_NOT_A_HOAX_FAST = _bounded(_NOT_A_HOAX.pattern)
_FRAMING_FAST = _bounded(rf"\b(?:{_words(_REPORTING)}|{_words(_FRAUD_DEBUNK)})\b")


def _near_specific_object_fast(window: str) -> bool:
    # _FRAUD_OBJECT is `\b(?:words)\b|_DPT`: a match of either part is a match.
    return _FRAUD_OBJECT_FAST.search(window) is not None or _DPT_RX.search(window) is not None


def _near_election_object_fast(window: str) -> bool:
    # _FRAUD_OBJECT or _GENERIC_OBJECT: both are `\b(?:words)\b`, so one alternation of all their words.
    return _ELECTION_OBJECT_FAST.search(window) is not None or _DPT_RX.search(window) is not None


def _negated_fast(text: str, start: int) -> bool:
    """_negated(text, start, contrast=True), with _DENIED searched only when one of its first words is there."""
    before = text[max(0, start - 40):start].split()[-3:]
    if "diam" in before:
        return False
    for i in range(len(before) - 1, -1, -1):
        if before[i] in _CONTRAST:
            before = before[i + 1:]
            break
    if any(_denies(before, i) for i in range(len(before))):
        return True
    lo = max(0, start - 60)
    # every _DENIED match holds "tidak", "tak" or "belum" inside [lo, start)
    if (text.find("tidak", lo, start) >= 0 or text.find("tak", lo, start) >= 0 or text.find("belum", lo, start) >= 0) \
            and _DENIED.search(text, lo, start) is not None:
        return True
    return _HYPOTHETICAL.search(text, lo, start) is not None


def _cues_in(lexicon: "_Lexicon", text: str, matches: "list[re.Match[str]]",
             near: "Callable[[str], bool] | None" = None) -> list[tuple[int, float]]:
    """_Lexicon.cues(text, near, contrast=True) for the matches of lexicon.pattern in text, found already."""
    found: dict[int, tuple[int, float]] = {}
    weights = lexicon.weights
    for m in matches:
        start = m.start()
        if near is not None and not near(text[max(0, start - _OBJECT_BEFORE):m.end() + _OBJECT_AFTER]):
            continue
        kind = lexicon._kind_of(m.group(0))
        if kind < 0:
            continue
        weight = weights[kind]
        if _negated_fast(text, start):
            weight *= _NEGATION_FACTOR
        best = found.get(kind)
        if best is None or weight > best[1]:
            found[kind] = (start, weight)
    return list(found.values())


def _fraud_claim_score(normalized: str) -> float:
    """_fraud_claim_score_reference without the gate, in fewer and faster scans: the same score on every text."""
    claims = list(_FRAUD.pattern.finditer(normalized))
    predicates = list(_FRAUD_PREDICATE.pattern.finditer(normalized))
    if not claims and not predicates:  # no cue of either kind: 0 whatever the context
        return 0.0
    election = _ELECTION_CONTEXT_FAST.search(normalized) is not None
    cues = _cues_in(_FRAUD, normalized, claims) if claims else []
    if predicates:
        cues += _cues_in(_FRAUD_PREDICATE, normalized, predicates,
                         _near_election_object_fast if election else _near_specific_object_fast)
    if not cues:
        return 0.0
    weights = [w for _, w in cues]
    if election and max(weights) > 0.2:
        weights.append(_ELECTION_CONTEXT_WEIGHT)
        if any(_FRAUD_SUSPICION_FAST.search(normalized, max(0, start - _SUSPICION_REACH), start + _SUSPICION_REACH)
               for start, w in cues if w > 0.2):
            weights.append(_FRAUD_SUSPICION_WEIGHT)
    score = _noisy_or(weights)
    framing = _NOT_A_HOAX_FAST.sub(" ", normalized) if "bukan" in normalized or "tidak" in normalized else normalized
    if _FRAMING_FAST.search(framing):
        score *= _REPORTING_FACTOR
    return round(score, 6)


def _fraud_claim_score_reference(normalized: str) -> float:
    """fraud_claim_score as lexicon v4 was first written (commit 8607f8e), kept unchanged: the faster
    fraud_claim_score must return exactly this on every text (tests/unit/test_fraud_claim_fast.py)."""
    if _FRAUD_GATE.isdisjoint(normalized.split()) and not any(stem in normalized for stem in _FRAUD_GATE_STEMS):
        return 0.0
    cues = _FRAUD_REFERENCE.cues(normalized, contrast=True)
    election = _ELECTION_CONTEXT.search(normalized) is not None
    near = _near_election_object if election else _near_specific_object
    cues += _FRAUD_PREDICATE_REFERENCE.cues(normalized, near=near, contrast=True)
    if not cues:
        return 0.0
    weights = [w for _, w in cues]
    if max(weights) > 0.2 and election:
        weights.append(_ELECTION_CONTEXT_WEIGHT)
        if any(_FRAUD_SUSPICION.search(normalized, max(0, start - _SUSPICION_REACH), start + _SUSPICION_REACH)
               for start, w in cues if w > 0.2):
            weights.append(_FRAUD_SUSPICION_WEIGHT)
    score = _noisy_or(weights)
    framing = _NOT_A_HOAX.sub(" ", normalized) if "bukan" in normalized or "tidak" in normalized else normalized
    if _REPORTING.search(framing) or _FRAUD_DEBUNK.search(framing):
        score *= _REPORTING_FACTOR
    return round(score, 6)


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
