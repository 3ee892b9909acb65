"""A synthetic Indonesian election stream, for demos, load tests and end-to-end checks.

Everything here is written for suhu (templates, slot fillers, slang): nothing is taken from any
labelled dataset. The background is ordinary, civil talk about the election; incidents are bursts
of posts that look strongly like one signal, written by many distinct accounts in one region and
mixed into that region's normal volume. The output follows the post contract and is deterministic
for a given seed.

Volume model: each minute of event time draws Poisson(rate * 60) background posts, spread over the
provinces in proportion to population with a fresh log-normal noise per province and minute. An
incident adds INTENSITY x that province's mean background volume (at least 3 * INTENSITY posts a
minute, so that small provinces can have visible incidents) of heated posts while it lasts.

A debate night (also a quick-count evening) is a surge of *civil* posts that name candidates, pairs,
parties, ballot numbers and campaign hashtags: in each chosen province the volume becomes about
FACTOR x its mean background volume (the surge adds (FACTOR - 1) x it) while it lasts, written by
many of the province's accounts. Nothing in it should page: it exists so that a scorer that reads
candidate names as abuse shows up as false alerts in `suhu backtest`. The texts are templates
written for this generator; they say nothing about how well any model does on real posts.

Why one long module: most of it is the hand-written template and slot data; the logic is short.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
import sys
import time
from bisect import bisect_right
from dataclasses import dataclass
from typing import IO, Any, Iterable, Iterator, Sequence

import click
import orjson

from models.base import SIGNALS
from streams.core.regions import CITIES_BY_CODE, PROVINCE_BY_CODE, PROVINCES, normalize_region

DEFAULT_START = "2024-02-14T06:00:00+07:00"  # voting day, as TPS open in WIB
MAX_DISORDER_MS = 20_000  # created_at jitter: keeps disorder well under the 30 s of grace downstream
_MINUTE_MS = 60_000

PLATFORMS: tuple[tuple[str, float], ...] = (
    ("x", 0.34),
    ("facebook", 0.20),
    ("tiktok", 0.16),
    ("instagram", 0.13),
    ("youtube", 0.09),
    ("news_comment", 0.08),
)

# --------------------------------------------------------------------------------------------
# texts

_SLOTS: dict[str, tuple[str, ...]] = {
    "kandidat": ("paslon 01", "paslon 02", "paslon 03", "capres nomor urut 1", "capres nomor urut 2",
                 "capres nomor urut 3", "caleg dapil sini", "calon gubernur", "calon bupati", "calon wali kota"),
    "tempat": ("TPS 12", "TPS 05", "TPS 021", "TPS dekat rumah", "TPS di balai desa", "TPS depan masjid",
               "TPS di SD Inpres", "TPS kompleks", "TPS RW 03", "TPS 7 kelurahan kami"),
    "waktu": ("pagi ini", "tadi jam 7", "barusan", "siang tadi", "sore ini", "habis subuh", "jam 8 pagi"),
    "cuaca": ("hujan deras", "cerah", "mendung", "panas terik", "gerimis", "berangin"),
    "makanan": ("nasi uduk", "bakso", "gorengan", "kopi susu", "soto ayam", "lontong sayur", "bubur ayam"),
    "orang": ("ibu", "bapak", "adik", "tetangga", "pak RT", "bu RW", "teman kantor", "nenek", "kakak"),
    "harga": ("harga beras", "harga cabai", "harga minyak goreng", "harga telur", "harga gula", "ongkos angkot"),
    "tagar": ("#Pemilu2024", "#PemiluDamai", "#AyoNyoblos", "#TPSceria", "#PemiluJurdil", "#PilihDenganHati",
              "#DemokrasiIndonesia", "#PemiluRiang"),
    "jumlah": tuple(str(n) for n in (5, 10, 15, 20, 30, 45)),
    "sasaran": ("pendukung 01", "pendukung 02", "pendukung 03", "buzzer itu", "timses", "caleg itu", "lo",
                "admin akun ini", "si bupati", "ketua partai itu", "anggota dewan"),
    "kelompok": ("orang Cina", "kaum kafir", "orang Kristen", "orang Madura", "orang Batak", "orang Jawa",
                 "orang Papua", "keturunan Arab", "kaum Syiah", "jemaah Ahmadiyah", "orang Bugis", "pendatang"),
    "lembaga": ("KPU", "KPUD", "Bawaslu", "kantor PPK", "kantor kecamatan", "kantor bupati", "gedung MK"),
    # debate nights and quick-count evenings (named candidates, pairs, parties, ballot numbers)
    "capres": ("Anies", "Prabowo", "Ganjar", "Pak Anies", "Pak Prabowo", "Pak Ganjar", "Anies Baswedan",
               "Prabowo Subianto", "Ganjar Pranowo"),
    "cawapres": ("Gibran", "Cak Imin", "Muhaimin", "Gus Muhaimin", "Mahfud", "Mahfud MD", "Prof Mahfud",
                 "Gibran Rakabuming"),
    "pasangan": ("Anies-Muhaimin", "Prabowo-Gibran", "Ganjar-Mahfud", "AMIN", "paslon AMIN", "Prabowo Gibran",
                 "Ganjar Mahfud"),
    "paslon": ("paslon 01", "paslon 02", "paslon 03", "paslon nomor urut 1", "paslon nomor urut 2",
               "paslon nomor urut 3", "pasangan 01", "pasangan 02", "pasangan 03"),
    "nomor": ("1", "2", "3", "01", "02", "03", "satu", "dua", "tiga"),
    "tokoh": ("Pak Jokowi", "Jokowi", "Ahok", "Ridwan Kamil", "Kang Emil", "Pramono Anung", "Bu Mega", "Bu Risma",
              "Khofifah", "Pak SBY", "AHY", "Surya Paloh"),
    "cagub": ("Ridwan Kamil", "Kang Emil", "Suswono", "Pramono", "Pramono Anung", "Rano Karno", "Bang Doel",
              "Dharma Pongrekun", "Kun Wardana"),
    "partai": ("PDIP", "Gerindra", "Golkar", "PKB", "NasDem", "PKS", "Demokrat", "PAN", "PSI", "Perindo", "PPP"),
    "tagar_debat": ("#DebatCapres", "#DebatCawapres", "#DebatPilpres2024", "#DebatCapres2024", "#DebatPilkadaJKT",
                    "#PrabowoGibran", "#AMIN", "#GanjarMahfud", "#AniesMuhaimin", "#QuickCount", "#Pemilu2024",
                    "#NobarDebat", "#PrabowoGibran2024", "#GanjarMahfud2024"),
    "topik": ("pendidikan", "kesehatan", "lapangan kerja", "ekonomi digital", "pangan", "energi terbarukan",
              "harga beras", "BPJS", "subsidi pupuk", "IKN", "hilirisasi", "UMKM", "stunting", "makan siang gratis",
              "pertahanan", "guru honorer", "transportasi umum", "pajak", "nasib nelayan", "air bersih"),
    "topik_jkt": ("banjir", "kemacetan", "transportasi umum", "air bersih", "polusi udara", "rusun",
                  "ruang terbuka hijau", "KJP", "lapangan kerja anak muda", "pengelolaan limbah"),
    "survei": ("Litbang Kompas", "Indikator", "LSI Denny JA", "Poltracking", "SMRC", "Charta Politika",
               "Populi Center", "CSIS"),
    "persen": ("16,8%", "24,9%", "58,5%", "27,4%", "40,1%", "51,3%", "35,7%", "62,0%", "80%", "93,2%", "12,5%"),
    "tv": ("TVRI", "Kompas TV", "Metro TV", "YouTube KPU", "iNews", "TV One", "CNN Indonesia"),
    "segmen": ("pertama", "kedua", "ketiga", "keempat", "kelima", "keenam", "terakhir"),
}

_BACKGROUND: tuple[str, ...] = (
    "Alhamdulillah sudah nyoblos di {tempat} {waktu}, antrenya tertib {tagar}",
    "Antre di {tempat} lumayan panjang, tapi petugas KPPS ramah sekali",
    "Cuaca {waktu} {cuaca}, semoga warga tetap semangat datang ke TPS",
    "Jangan lupa bawa KTP dan undangan C6 ya teman-teman {tagar}",
    "Hasil quick count sementara sudah keluar, kita tunggu hasil resmi dari KPU saja",
    "Siapa pun yang menang, semoga bisa membawa Indonesia lebih baik {tagar}",
    "Sudah baca visi misi {kandidat}? Program pendidikannya menarik juga",
    "Debat {kandidat} semalam cukup seru, banyak data yang dibahas",
    "Macet sedikit di jalan menuju {tempat}, banyak warga yang libur",
    "{harga} naik lagi minggu ini, semoga pemimpin baru bisa menstabilkan",
    "Habis nyoblos langsung makan {makanan} sama {orang}",
    "Jari sudah ungu, tanda sudah ikut pesta demokrasi {tagar}",
    "{orang} baru pertama kali ikut pemilu, senang sekali katanya",
    "Petugas KPPS di {tempat} kerja sampai malam, terima kasih atas dedikasinya",
    "Mari jaga suasana tetap damai dan saling menghormati pilihan masing-masing",
    "Pemilih pemula, yuk cek DPT online dulu sebelum ke TPS",
    "Libur nasional hari ini dipakai buat nyoblos lalu istirahat di rumah",
    "Penghitungan suara di {tempat} berjalan terbuka, saksi semua partai hadir",
    "Kapan ya hasil real count KPU selesai? Penasaran juga",
    "Semoga {kandidat} menepati janji kampanye soal lapangan kerja",
    "Dari pagi {cuaca}, tapi antrean di {tempat} tetap ramai",
    "Nonton pembahasan quick count di TV bareng {orang}",
    "Ada yang tahu TPS buka jam berapa? Mau datang {waktu}",
    "Pengalaman pertama jadi saksi di {tempat}, capek tapi seru",
    "Beda pilihan itu biasa, yang penting tetap bersaudara {tagar}",
    "Bagus juga ada TPS keliling buat pasien rumah sakit",
    "Kampanye {kandidat} di lapangan kota kemarin tertib dan bersih",
    "Baliho di pinggir jalan mulai dibersihkan, kota jadi rapi lagi",
    "Nyoblos di {tempat}, nunggu sekitar {jumlah} menit saja",
    "Terima kasih bapak polisi yang menjaga TPS dengan ramah",
    "Sekarang tinggal menunggu rekapitulasi resmi dari KPU, sabar ya",
    "Pedagang {makanan} dekat {tempat} laris manis hari ini",
    "Diskusi politik di grup keluarga tetap adem, mantap",
    "Kami sekeluarga sudah menyalurkan hak pilih {waktu} {tagar}",
    "Info dong, kalau pindah domisili bisa nyoblos di mana?",
    "Hitung suara di kampung jadi ajang kumpul warga, ramai tapi santai",
    "Semoga pemimpin terpilih memperhatikan {harga} dan nasib petani",
    "Anak-anak ikut lihat proses coblosan di {tempat}, belajar demokrasi sejak dini",
    "Kotak suara dijaga bersama warga sampai hitungan selesai, suasananya kondusif",
    "Terima kasih KPU dan Bawaslu sudah bekerja keras {tagar}",
    "Sambil antre ngobrol sama {orang} soal {harga}",
    "Salut sama relawan yang bantu lansia ke bilik suara",
)

_INCIDENT: dict[str, tuple[str, ...]] = {
    "incivility": (
        "{sasaran} goblok banget, ngomong aja gak becus",
        "dasar tolol, pendukung {kandidat} otaknya di dengkul semua",
        "bangsat emang {sasaran}, kerjanya cuma bohong",
        "anjing lo {sasaran}, mending diem aja bego",
        "bajingan tukang tipu, muak gw liat muka {sasaran}",
        "kampret, {sasaran} bego banget ga ngerti apa apa",
        "otak udang semua, goblok tolol bego {sasaran}",
        "mulut lo kayak sampah, {sasaran} brengsek",
        "tai lah {sasaran}, dasar idiot goblok",
        "bacot doang lo {sasaran}, bangsat",
        "bego banget sih {sasaran}, dasar anjing",
        "cebong goblok kadrun tolol sama aja bangsat semua",
        "{kandidat} itu bajingan, pendukungnya kampret semua",
        "diem lo tolol, {sasaran} ga usah sok pinter, anjing",
    ),
    "hate": (
        "{kelompok} itu sampah bangsa, usir saja semua dari negeri ini",
        "jangan pilih calon dari {kelompok}, mereka semua penipu dan pengkhianat bangsa",
        "dasar {kelompok} biadab, tidak pantas hidup di Indonesia",
        "haram dipimpin {kelompok}, mereka kafir laknat semua",
        "negeri ini rusak gara-gara {kelompok}, bersihkan mereka dari kampung kita",
        "{kelompok} memang ras rendahan, otaknya cuma duit dan tipu",
        "jangan kasih tempat buat {kelompok}, mereka penyakit masyarakat",
        "benci banget sama {kelompok}, dasar kaum hina dan menjijikkan",
        "usir {kelompok} dari tanah ini, mereka bukan bagian dari bangsa kita",
        "{kelompok} itu bangsa penjajah, jangan sewa rumah ke mereka",
        "semua {kelompok} itu sama saja, licik, kotor, dan pantas dibenci",
    ),
    "provocation": (
        "ayo kepung {lembaga} malam ini, jangan biarkan suara kita dicuri",
        "semua turun ke jalan besok, people power sekarang juga",
        "siapkan senjata, kita serbu {lembaga} kalau hasilnya begini",
        "bakar saja {lembaga}, sudah tidak ada keadilan di negeri ini",
        "kumpul di depan {lembaga} jam 9, bawa massa sebanyak-banyaknya, kita duduki",
        "serbu gudang logistik, jangan biarkan mereka angkut kotak suara",
        "rakyat harus melawan, turun ke jalan, jangan takut aparat",
        "sweeping pendukung {kandidat} di kampung kita, usir mereka malam ini",
        "kalau sampai diumumkan menang, kita bikin rusuh satu kota",
        "blokade jalan menuju {lembaga}, jangan biarkan rekap berjalan",
        "ayo kepung KPU, bawa bambu runcing, kita serbu bersama",
        "siapkan massa dan senjata tajam, besok kita bakar {lembaga}",
    ),
    "fraud_claim": (
        "surat suara sudah tercoblos untuk {kandidat} sebelum dibuka di {tempat}",
        "Sirekap dimanipulasi, angka di C1 beda jauh dengan di aplikasi #IniCurang",
        "KPU curang, penggelembungan suara {kandidat} terjadi di mana-mana",
        "kecurangan TSM, terstruktur sistematis masif, buktinya sudah viral",
        "ada ratusan surat suara dicoblos petugas KPPS sendiri di {tempat}",
        "suara {kandidat} digelembungkan {jumlah} kali lipat di Sirekap, jelas manipulasi",
        "DPT penuh pemilih siluman, orang meninggal ikut nyoblos, pemilu curang",
        "kotak suara dibuka sebelum waktunya di {tempat}, ini kecurangan nyata",
        "hasil rekap diubah di kecamatan, suara kami dicuri KPU curang",
        "serangan fajar bagi-bagi amplop di {tempat}, politik uang terang-terangan",
        "hak angket sekarang, pemilu ini penuh kecurangan TSM #IniCurang",
        "data Sirekap dimanipulasi untuk {kandidat}, penggelembungan suara terbukti",
    ),
}
# Tension: the mood of a region heating up, a mix of the other signals.
_INCIDENT["tension"] = _INCIDENT["provocation"] + _INCIDENT["fraud_claim"] + _INCIDENT["incivility"]

# Debate night / quick-count evening: civil posts that NAME candidates, pairs, parties and numbers.
# Support, live commentary, policy talk, quick-count chatter, jokes without insults; no abuse, no
# calls to action, no fraud claims.
_DEBATE: tuple[str, ...] = (
    "Mulai seru ni {tagar_debat}",
    "Jawaban {capres} soal {topik} cukup jelas",
    "{cawapres} tenang banget malam ini {tagar_debat}",
    "{paslon} unggul di quick count sementara",
    "Segmen {segmen} paling menarik, {capres} bahas soal {topik}",
    "Nonton debat bareng {orang} sambil makan {makanan} {tagar_debat}",
    "Moderatornya tegas, waktu bicara tiap paslon dijaga rapi {tagar_debat}",
    "{capres} bawa data lengkap soal {topik}, besok mau kucek angkanya",
    "Closing statement {capres} bikin merinding {tagar_debat}",
    "Sesi tanya jawab antarpaslon soal {topik} berjalan santun {tagar_debat}",
    "Salut, {cawapres} menjawab pakai data, bukan sekadar janji",
    "Gestur {capres} santai banget, kelihatan sudah siap dari awal",
    "Debat cawapres malam ini lebih cair dari yang kubayangkan {tagar_debat}",
    "Catatan malam ini: program {topik} dari {paslon} paling konkret menurutku",
    "Semoga setelah debat pemilih makin yakin dengan pilihannya masing-masing {tagar_debat}",
    "Relawan {pasangan} nobar di kafe dekat rumah, ramai tapi tertib",
    "Buat {paslon}, tolong dijelaskan lagi soal anggaran {topik} ya",
    "Penasaran sama angka {topik} yang disebut {capres} tadi, nanti kubaca lagi",
    "{tokoh} ikut nonton debat juga ternyata, sempat disorot kamera",
    "Quick count {survei}: {paslon} sementara {persen}, data masuk baru {persen}",
    "Data masuk quick count {survei} sudah {persen}, {paslon} sementara di depan",
    "Hasil quick count {paslon} di berbagai lembaga survei ternyata mirip-mirip ya",
    "Quick count {pasangan} bukan hasil resmi, tetap tunggu rekap KPU ya {tagar}",
    "{pasangan} sudah menyapa pendukung di posko, pidatonya adem",
    "Grup WA keluarga ramai bahas quick count {pasangan}, tapi semua masih akur",
    "Selamat buat {paslon} yang unggul sementara, kita kawal sampai hasil resmi",
    "Pendukung {pasangan} tetap semangat, perjalanan masih panjang {tagar_debat}",
    "{cagub} memaparkan program soal {topik_jkt} dengan runtut #DebatPilkadaJKT",
    "{cagub} jawab soal {topik_jkt} dengan tenang #DebatPilkadaJKT",
    "Debat Pilkada Jakarta malam ini lebih seru dari sinetron #DebatPilkadaJKT 😄",
    "Ahok duduk di barisan pendukung, suasana studio makin ramai",
    "Pak Jokowi berpesan siapa pun yang menang, mari bersatu lagi",
    "Kang Emil sempat melucu, penonton di studio ikut tertawa #DebatPilkadaJKT",
    "Joget gemoy Pak Prabowo muncul lagi di akhir acara, penonton heboh 😄",
    "Kata slepet dari Cak Imin jadi trending lagi malam ini",
    "Pak Mahfud menjelaskan soal penegakan hukum dengan runtut",
    "Ganjar banyak senyum, gaya debatnya santai {tagar_debat}",
    "Anies rapi banget menyusun argumen soal {topik}",
    "Prabowo tampil lebih kalem dibanding debat sebelumnya",
    "Gibran pakai istilah teknis lagi, aku harus googling dulu hehe",
    "Cak Imin bawa gimik lucu, tapi jawabannya tetap nyambung",
    "Penonton di rumah jadi ikut belajar soal {topik} gara-gara debat {tagar_debat}",
    "Jangan lupa nonton debat di {tv} jam 19.00 WIB {tagar_debat}",
    "{partai} mendukung {pasangan}, relawannya kompak pakai kaus seragam",
    "Nobar di pos ronda, {orang} paling semangat berkomentar {tagar_debat}",
    "Kopi sudah siap, tinggal nunggu debat mulai {tagar_debat}",
    "Aku masih menimbang pilihan, penjelasan {capres} malam ini cukup membantu",
    "Malam ini {capres} bahas {topik}, besok kucek visi misi lengkapnya di situs KPU",
    "Anies, Prabowo dan Ganjar saling bersalaman di akhir acara, adem lihatnya 🤝",
    "Pertanyaan panelis soal {topik} tajam juga ya {tagar_debat}",
    "Suka cara {cawapres} menutup sesi, singkat dan jelas",
    "{partai} bilang suaranya naik di quick count, kita tunggu real count",
    "Quick count {survei} menempatkan {partai} di tiga besar",
    "Nomor urut {nomor} semangat {tagar_debat}",
    "Kata {orang} coblos nomor {nomor}, tapi aku mau mikir dulu",
    "Baru kali ini nonton debat sampai habis, ternyata seru juga {tagar_debat}",
    "Linimasa penuh {tagar_debat}, semua orang jadi pengamat politik dadakan 😄",
    "Rekap debat: {capres} kuat di {topik}, {cawapres} kuat di {topik}",
    "Semoga janji {paslon} soal {topik} benar-benar dijalankan kalau terpilih",
    "Aku pilih {pasangan} karena programnya soal {topik} masuk akal",
    "Hormat untuk ketiga paslon, debatnya berkualitas malam ini {tagar_debat}",
    "Pantun pembuka dari {cawapres} lucu juga, penonton tepuk tangan",
    "Siapa yang paling bersinar di debat malam ini menurut kalian? Aku pilih {capres}",
    "Menunggu pidato {capres} di posko pemenangan setelah quick count",
    "Angka quick count {paslon} stabil di kisaran {persen}",
    "Pemilih muda banyak membahas {topik} setelah debat {tagar_debat}",
    "Soal {topik}, jawaban {pasangan} paling realistis menurutku",
    "Adu gagasan begini yang kita butuhkan {tagar_debat}",
    "Dukung {pasangan} dengan santun, hargai juga pilihan tetangga {tagar}",
    "{tokoh} mengucapkan selamat kepada semua paslon atas debat yang tertib",
    "Nobar debat Pilkada di balai warga, program {cagub} jadi bahan obrolan",
    "Penjelasan {capres} soal {topik} gampang dipahami 👏",
    "Habis debat langsung diskusi sama {orang} soal program {paslon}",
    "Quick count sudah {persen} data masuk, {paslon} masih memimpin, tunggu hasil resmi KPU ya",
    "Dari posko {pasangan}: relawan bernyanyi bersama, suasananya gembira",
    "Ridwan Kamil dan Pramono saling sapa sebelum debat, hangat sekali #DebatPilkadaJKT",
    "Rano Karno bawa gaya Si Doel, penonton senyum-senyum #DebatPilkadaJKT",
    "Dharma Pongrekun menjawab singkat soal {topik_jkt} #DebatPilkadaJKT",
    "Jokowi nyoblos di TPS dekat istana, lalu menyapa warga",
    "Nunggu quick count sambil makan {makanan}, deg-degan juga {tagar_debat}",
    "Visi {pasangan} soal {topik} mirip dengan yang kuharapkan",
    "Debat malam ini bikin aku lebih paham beda program {paslon} dan {paslon}",
)

_CIVIL_TAILS = ("", "", "", "", " 🙏", " 😊", " 👍", " 🇮🇩", " semangat!", " ya")
_HEATED_TAILS = ("", "", "", " 😡", " 🔥", "!!!", " 🤬", "!!", " #IniCurang", " #TolakHasil")

# Slang/alay spellings Indonesian social media uses; applied word by word to some posts.
_SLANG: dict[str, tuple[str, ...]] = {
    "saya": ("gw", "gue", "aku", "sy"), "banget": ("bgt", "bangeet", "bngt"), "sudah": ("udh", "udah", "dah"),
    "yang": ("yg",), "tidak": ("gak", "ga", "nggak", "gk"), "sama": ("sm",), "juga": ("jg",),
    "dengan": ("dgn",), "karena": ("krn", "karna"), "aja": ("aj", "ajaa"), "sekali": ("bgt", "sekaliii"),
    "tapi": ("tp",), "untuk": ("utk", "buat"), "kalau": ("klo", "kalo"), "semoga": ("smoga", "moga"),
    "terima": ("trima",), "kasih": ("kasi", "ksh"), "teman-teman": ("temen2", "gaes"), "apa": ("ap", "apaan"),
    "lagi": ("lg",), "habis": ("abis",), "begini": ("gini",), "lo": ("lu", "loe"), "tahu": ("tau",),
}
_SLANG_SHARE = 0.35


@dataclass(frozen=True, slots=True)
class Incident:
    region: str  # ISO code
    signal: str
    start_min: float
    duration_min: float
    intensity: float = 1.0

    def active(self, minute: int) -> bool:
        return self.start_min <= minute < self.start_min + self.duration_min


def parse_incident(spec: str) -> Incident:
    """REGION:SIGNAL:START_MIN:DURATION_MIN[:INTENSITY], e.g. ``ID-JB:incivility:30:20``."""
    parts = spec.strip().split(":")
    if len(parts) not in (4, 5):
        raise ValueError(f"incident {spec!r}: expected REGION:SIGNAL:START_MIN:DURATION_MIN[:INTENSITY]")
    region = normalize_region(parts[0]).code
    if region not in PROVINCE_BY_CODE:
        raise ValueError(f"incident {spec!r}: {parts[0]!r} is not an Indonesian province")
    signal = parts[1].strip().lower().replace("-", "_")
    if signal not in SIGNALS:
        raise ValueError(f"incident {spec!r}: signal must be one of {', '.join(SIGNALS)}")
    try:
        start, duration = float(parts[2]), float(parts[3])
        intensity = float(parts[4]) if len(parts) == 5 else 1.0
    except ValueError:
        raise ValueError(f"incident {spec!r}: START_MIN, DURATION_MIN and INTENSITY must be numbers") from None
    if start < 0 or duration <= 0 or not 0 < intensity <= 100 or not all(map(math.isfinite, (start, duration))):
        raise ValueError(f"incident {spec!r}: need START_MIN >= 0, DURATION_MIN > 0, 0 < INTENSITY <= 100")
    return Incident(region, signal, start, duration, intensity)


DEBATE_NIGHT = "debate_night"  # the `pattern` of its posts in the `synthetic` truth field
DEFAULT_DEBATE_FACTOR = 5.0


@dataclass(frozen=True, slots=True)
class DebateNight:
    """A surge of civil, candidate-naming posts in some provinces: their volume becomes ~FACTOR x normal."""

    regions: tuple[str, ...]  # ISO codes
    start_min: float
    duration_min: float
    factor: float = DEFAULT_DEBATE_FACTOR

    def active(self, minute: int) -> bool:
        return self.start_min <= minute < self.start_min + self.duration_min


def parse_debate_night(spec: str) -> DebateNight:
    """REGION[,REGION...]:START_MIN:MINUTES[:FACTOR], e.g. ``ID-JK,Jabar,Jateng,Jatim:30:60:5``."""
    parts = spec.strip().split(":")
    if len(parts) not in (3, 4):
        raise ValueError(f"debate night {spec!r}: expected REGION[,REGION...]:START_MIN:MINUTES[:FACTOR]")
    regions: list[str] = []
    for name in parts[0].split(","):
        if not name.strip():
            raise ValueError(f"debate night {spec!r}: empty region name")
        code = normalize_region(name).code
        if code not in PROVINCE_BY_CODE:
            raise ValueError(f"debate night {spec!r}: {name.strip()!r} is not an Indonesian province")
        if code not in regions:
            regions.append(code)
    try:
        start, duration = float(parts[1]), float(parts[2])
        factor = float(parts[3]) if len(parts) == 4 else DEFAULT_DEBATE_FACTOR
    except ValueError:
        raise ValueError(f"debate night {spec!r}: START_MIN, MINUTES and FACTOR must be numbers") from None
    if (start < 0 or duration <= 0 or not 1 < factor <= 100
            or not all(map(math.isfinite, (start, duration)))):
        raise ValueError(f"debate night {spec!r}: need START_MIN >= 0, MINUTES > 0, 1 < FACTOR <= 100")
    return DebateNight(tuple(regions), start, duration, factor)


def parse_start(value: str | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        start = value
    else:
        try:
            start = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"start {value!r} is not RFC 3339 (e.g. {DEFAULT_START})") from None
    if start.tzinfo is None:
        raise ValueError(f"start {value!s} needs a UTC offset (e.g. {DEFAULT_START})")
    return start


class _Fill:
    """Expands a template with random slot values; precomputes which slots each template needs."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._needed: dict[str, tuple[str, ...]] = {}

    def __call__(self, template: str) -> str:
        needed = self._needed.get(template)
        if needed is None:
            needed = self._needed[template] = tuple(k for k in _SLOTS if "{" + k + "}" in template)
        if not needed:
            return template
        choice = self.rng.choice
        return template.format_map({k: choice(_SLOTS[k]) for k in needed})


def _slangify(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    choice = rng.choice
    out = [choice(_SLANG[w.lower()]) if w.lower() in _SLANG and rng.random() < 0.7 else w for w in words]
    if rng.random() < 0.3:
        i = rng.randrange(len(out))
        w = out[i]
        if w and w[-1].isalpha():
            out[i] = w + w[-1] * rng.randint(2, 4)  # "bangeeet", "ayooo"
    text = " ".join(out)
    if rng.random() < 0.5:
        text = text.lower()
    if rng.random() < 0.15:
        text += " " + choice(("wkwk", "wkwkwk", "hehe", "haha", "lol", "btw", "sih"))
    return text


_GARBLED_REGIONS: tuple[Any, ...] = (
    "", "-", "???", "Bumi", "dunia maya", "Wakanda", "Konoha", "di hatimu", "Kuala Lumpur", "Singapore",
    "Indonesia", "rumah", "NKRI harga mati", "Sulawesi", "Kalimantan", 0, None,
)


def _spellings(code: str) -> list[str | int]:
    """Ways a producer might write this province (each must normalise back to `code`)."""
    p = PROVINCE_BY_CODE[code]
    out: list[str | int] = [p.code, p.code, p.code, p.code.lower(), p.bps, int(p.bps), p.name, p.name.upper(),
                            f"Provinsi {p.name}"]
    out.extend(a for a in p.aliases[:3] if normalize_region(a).code == code)
    for city in CITIES_BY_CODE.get(code, ()):
        out.append(city)
        out.append(city)
    out.extend(f"Kota {c}" for c in CITIES_BY_CODE.get(code, ())[:2] if normalize_region(f"Kota {c}").code == code)
    return [s for s in out if normalize_region(s).code == code]


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, prod = math.exp(-lam), 0, rng.random()
    while prod > limit:
        k += 1
        prod *= rng.random()
    return k


def _zipf_cum_weights(n: int, s: float) -> list[float]:
    return list(itertools.accumulate(1.0 / (rank**s) for rank in range(1, n + 1)))


_AUTHOR_POOL = 20_000  # accounts per province; activity follows Zipf, so a few are very active
_ZIPF = _zipf_cum_weights(_AUTHOR_POOL, 1.1)


def generate_posts(
    start: str | dt.datetime = DEFAULT_START,
    minutes: float | None = None,
    rate: float = 20.0,
    seed: int = 0,
    incidents: Sequence[Incident] = (),
    count: int | None = None,
    unknown_share: float = 0.03,
    truth: bool = False,
    debate_nights: Sequence[DebateNight] = (),
) -> Iterator[dict[str, Any]]:
    """Posts in arrival order; `count` stops after N posts, else `minutes` of event time (default 60).

    With `truth`, each post carries ``synthetic: {"region": code, "signal": signal-or-null}`` so
    tests and backtests can check what the pipeline should find; a debate-night post (civil, so its
    signal is null) also carries ``"pattern": "debate_night"``. Without `debate_nights` the stream
    is the same as before they existed (same seed, same posts).
    """
    if rate <= 0:
        raise ValueError("rate must be > 0 posts per second")
    if not 0 <= unknown_share <= 1:
        raise ValueError("unknown_share must be within [0, 1]")
    if count is not None and count < 0:
        raise ValueError("count must be >= 0")
    if minutes is None and count is None:
        minutes = 60
    start_dt = parse_start(start)
    start_ms = int(start_dt.timestamp() * 1000)
    rng = random.Random(seed)
    fill = _Fill(rng)

    codes = [p.code for p in PROVINCES]
    pops = [p.population_millions for p in PROVINCES]
    total_pop = sum(pops)
    tz_by_code = {p.code: p.tz for p in PROVINCES}
    wib = PROVINCE_BY_CODE["ID-JK"].tz
    spellings = {c: _spellings(c) for c in codes}
    platforms = [name for name, _ in PLATFORMS]
    platform_cum = list(itertools.accumulate(w for _, w in PLATFORMS))
    per_region_per_min = {c: rate * 60 * pop / total_pop for c, pop in zip(codes, pops)}

    emitted = 0
    minute = 0
    total_minutes = math.inf if minutes is None else minutes
    while minute < total_minutes and (count is None or emitted < count):
        base = start_ms + minute * _MINUTE_MS
        span_ms = _MINUTE_MS if minute + 1 <= total_minutes else int((total_minutes - minute) * _MINUTE_MS)
        noisy = [pop * rng.lognormvariate(0.0, 0.3) for pop in pops]
        cum = list(itertools.accumulate(noisy))
        n = _poisson(rng, rate * span_ms / 1000)
        # (event_ms, code, signal) for every post of this minute, then sorted into arrival order
        events: list[tuple[int, str, str | None]] = []
        for _ in range(n):
            code = codes[bisect_right(cum, rng.random() * cum[-1])]
            events.append((base + int(rng.random() * span_ms), code, None))
        for inc in incidents:
            if inc.active(minute):
                lam = inc.intensity * max(per_region_per_min[inc.region], 3.0) * span_ms / _MINUTE_MS
                for _ in range(_poisson(rng, lam)):
                    events.append((base + int(rng.random() * span_ms), inc.region, inc.signal))
        for night in debate_nights:
            if night.active(minute):
                for code in night.regions:
                    lam = (night.factor - 1.0) * per_region_per_min[code] * span_ms / _MINUTE_MS
                    for _ in range(_poisson(rng, lam)):
                        events.append((base + int(rng.random() * span_ms), code, DEBATE_NIGHT))
        events.sort(key=lambda e: e[0])

        for event_ms, code, signal in events:
            if count is not None and emitted >= count:
                return
            emitted += 1
            platform = platforms[bisect_right(platform_cum, rng.random() * platform_cum[-1])]
            if signal is None:
                text = fill(rng.choice(_BACKGROUND)) + rng.choice(_CIVIL_TAILS)
                author = f"{code[3:].lower()}{bisect_right(_ZIPF, rng.random() * _ZIPF[-1]):05d}"
            elif signal == DEBATE_NIGHT:
                text = fill(rng.choice(_DEBATE)) + rng.choice(_CIVIL_TAILS)
                # The province's own accounts: some of its regulars, mostly people who only post on
                # nights like this (drawn evenly from the pool), so a surge has many distinct authors.
                if rng.random() < 0.3:
                    author = f"{code[3:].lower()}{bisect_right(_ZIPF, rng.random() * _ZIPF[-1]):05d}"
                else:
                    author = f"{code[3:].lower()}{rng.randrange(_AUTHOR_POOL):05d}"
            else:
                text = fill(rng.choice(_INCIDENT[signal])) + rng.choice(_HEATED_TAILS)
                # Many distinct accounts: a wave, not one troll.
                author = f"{code[3:].lower()}x{rng.randrange(1_000_000):06d}"
            if rng.random() < _SLANG_SHARE:
                text = _slangify(text, rng)
            # Posts reach us slightly out of order: created_at lags arrival by up to MAX_DISORDER_MS.
            lag = int(rng.random() ** 4 * MAX_DISORDER_MS)
            known = rng.random() >= unknown_share
            tz = tz_by_code[code] if known else wib
            created = dt.datetime.fromtimestamp(max(start_ms, event_ms - lag) / 1000, tz).isoformat(timespec="milliseconds")
            post: dict[str, Any] = {
                "id": f"{seed}-{emitted:09d}",
                "text": text,
                "created_at": created,
            }
            if known:
                post["region"] = rng.choice(spellings[code])
            else:
                garbled = rng.choice(_GARBLED_REGIONS)
                if garbled is not None or rng.random() < 0.5:
                    post["region"] = garbled
            post["platform"] = platform
            post["author_id"] = f"{platform}:{author}"
            post["lang"] = "id"
            if platform == "news_comment":
                post["url"] = f"https://berita.example.id/pemilu/{rng.randrange(100_000)}"
            if truth:
                if signal == DEBATE_NIGHT:
                    post["synthetic"] = {"region": code if known else "unknown", "signal": None,
                                         "pattern": DEBATE_NIGHT}
                else:
                    post["synthetic"] = {"region": code if known else "unknown", "signal": signal}
            yield post
        minute += 1


def write_jsonl(posts: Iterable[dict[str, Any]], out: IO[bytes]) -> int:
    n = 0
    write = out.write
    for post in posts:
        write(orjson.dumps(post))
        write(b"\n")
        n += 1
    return n


@click.command("generate")
@click.option("--start", default=DEFAULT_START, show_default=True, help="Event time of the first post (RFC 3339).")
@click.option("--minutes", type=float, default=None, help="Minutes of event time to generate [default: 60].")
@click.option("--count", type=int, default=None, help="Stop after N posts (instead of --minutes).")
@click.option("--rate", type=float, default=20.0, show_default=True,
              help="Mean background posts per second of event time, nationwide.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--incident", "incidents", multiple=True, metavar="REGION:SIGNAL:START_MIN:DURATION_MIN[:INTENSITY]",
              help="A burst of one signal in one province (repeatable), e.g. ID-JB:incivility:30:20. "
                   "INTENSITY (default 1) = heated posts per minute as a multiple of the province's normal volume.")
@click.option("--debate-night", "debate_nights", multiple=True, metavar="REGION[,REGION...]:START_MIN:MINUTES[:FACTOR]",
              help="A debate night or quick-count evening (repeatable), e.g. ID-JK,ID-JB:30:60: civil posts naming "
                   "candidates, pairs, parties and ballot numbers raise those provinces' volume to FACTOR "
                   "(default 5) x normal. Nothing in it should alert.")
@click.option("--unknown-share", type=float, default=0.03, show_default=True,
              help="Share of posts whose region is missing or garbled.")
@click.option("--truth", is_flag=True, help="Add a `synthetic` field with the true region and signal.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              show_default=True, help="Output file (JSONL); - for stdout.")
def generate_command(start: str, minutes: float | None, count: int | None, rate: float, seed: int,
                     incidents: tuple[str, ...], debate_nights: tuple[str, ...], unknown_share: float, truth: bool,
                     out_path: str) -> None:
    """Write a synthetic Indonesian election stream as JSONL (deterministic for a seed)."""
    if minutes is not None and count is not None:
        raise click.UsageError("give either --minutes or --count, not both")
    try:
        parsed = [parse_incident(s) for s in incidents]
        nights = [parse_debate_night(s) for s in debate_nights]
        posts = generate_posts(start=start, minutes=minutes, rate=rate, seed=seed, incidents=parsed,
                               count=count, unknown_share=unknown_share, truth=truth, debate_nights=nights)
        t0 = time.perf_counter()
        if out_path == "-":
            n = write_jsonl(posts, sys.stdout.buffer)
            sys.stdout.buffer.flush()
        else:
            with open(out_path, "wb") as f:
                n = write_jsonl(posts, f)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    elapsed = time.perf_counter() - t0
    click.echo(f"generated {n} posts in {elapsed:.2f}s ({n / max(elapsed, 1e-9):,.0f} posts/s)"
               + ("" if out_path == "-" else f" -> {out_path}"), err=True)


__all__ = ["DEBATE_NIGHT", "DEFAULT_START", "DebateNight", "Incident", "generate_command", "generate_posts",
           "parse_debate_night", "parse_incident", "write_jsonl"]
