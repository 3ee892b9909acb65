"""The Indonesian gazetteer: the 38 provinces, their time zones, and region-name normalisation.

This is the one place that knows provinces. Everything is keyed by ISO 3166-2:ID code because
names and even numbering differ between sources (the four 2022 Papua provinces are missing or
misordered in many older tables). `normalize_region` runs once per post, so every spelling is
precomputed into a dict and results are memoised; it never raises.

Its sibling streams/core/gazetteer.py, which it owns, holds every regency and district of Kemendagri (and
reuses the spellings below); streams/core/places.py infers a post's region from them when the region field
names none.

Why one long module: half of it is the province table (codes, names, spellings, time zones,
centroids), the one copy of that fact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta, timezone, tzinfo
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Mapping

from streams.core.records import UNKNOWN_REGION

ISLAND_GROUPS: tuple[str, ...] = (
    "Sumatera",
    "Jawa",
    "Bali-Nusa Tenggara",
    "Kalimantan",
    "Sulawesi",
    "Maluku",
    "Papua",
)

# Indonesia has no daylight saving time: fixed offsets are exact, and cheaper than zoneinfo.
TZ_OFFSETS: Mapping[str, int] = MappingProxyType({"WIB": 7, "WITA": 8, "WIT": 9})
_TZ: dict[str, tzinfo] = {label: timezone(timedelta(hours=h), label) for label, h in TZ_OFFSETS.items()}
WIB: tzinfo = _TZ["WIB"]
WITA: tzinfo = _TZ["WITA"]
WIT: tzinfo = _TZ["WIT"]


@dataclass(frozen=True, slots=True)
class Province:
    code: str  # ISO 3166-2:ID, e.g. "ID-JK"
    bps: str  # BPS / Kemendagri two-digit code, e.g. "31"
    name: str  # official name
    tz_label: str  # WIB | WITA | WIT
    utc_offset_hours: int
    island_group: str
    lat: float  # approximate centroid (~0.5 degree), for the Grafana Geomap
    lon: float
    population_millions: float  # approximate (2023), for realistic synthetic volume
    aliases: tuple[str, ...]

    @property
    def tz(self) -> tzinfo:
        return _TZ[self.tz_label]


@dataclass(frozen=True, slots=True)
class RegionMatch:
    code: str  # ISO 3166-2:ID code or "unknown"
    city: str | None = None  # canonical city/regency name when the input named one


def _p(
    iso: str, bps: str, name: str, tz: str, group: str, lat: float, lon: float, pop: float, *aliases: str
) -> Province:
    return Province(f"ID-{iso}", bps, name, tz, TZ_OFFSETS[tz], group, lat, lon, pop, aliases)


_SU, _JW, _BN, _KA, _SL, _MA, _PP = ISLAND_GROUPS

PROVINCES: tuple[Province, ...] = (
    _p("AC", "11", "Aceh", "WIB", _SU, 4.4, 96.8, 5.5, "Nanggroe Aceh Darussalam", "NAD", "Serambi Mekkah"),
    _p("SU", "12", "Sumatera Utara", "WIB", _SU, 2.2, 99.1, 15.4, "Sumut", "Sumatra Utara", "North Sumatra"),
    _p("SB", "13", "Sumatera Barat", "WIB", _SU, -0.8, 100.5, 5.7, "Sumbar", "Sumatra Barat", "West Sumatra", "Ranah Minang"),
    _p("RI", "14", "Riau", "WIB", _SU, 0.5, 101.8, 6.7, "Bumi Lancang Kuning"),
    _p("JA", "15", "Jambi", "WIB", _SU, -1.6, 103.0, 3.7),
    _p("SS", "16", "Sumatera Selatan", "WIB", _SU, -3.3, 104.2, 8.7, "Sumsel", "Sumatra Selatan", "South Sumatra"),
    _p("BE", "17", "Bengkulu", "WIB", _SU, -3.6, 102.3, 2.1),
    _p("LA", "18", "Lampung", "WIB", _SU, -4.9, 105.0, 9.3),
    _p("BB", "19", "Kepulauan Bangka Belitung", "WIB", _SU, -2.5, 106.4, 1.5,
       "Bangka Belitung", "Babel", "Bangka-Belitung", "Bangka Belitung Islands"),
    _p("KR", "21", "Kepulauan Riau", "WIB", _SU, 1.5, 105.0, 2.2, "Kepri", "Riau Islands"),
    _p("JK", "31", "DKI Jakarta", "WIB", _JW, -6.2, 106.8, 10.7,
       "Jakarta", "DKI", "Daerah Khusus Ibukota Jakarta", "Daerah Khusus Jakarta", "Jakarta Raya",
       "Jkt"),
    _p("JB", "32", "Jawa Barat", "WIB", _JW, -6.9, 107.6, 49.9, "Jabar", "West Java", "Java Barat", "Tatar Sunda"),
    _p("JT", "33", "Jawa Tengah", "WIB", _JW, -7.2, 110.1, 37.5, "Jateng", "Central Java"),
    _p("YO", "34", "Daerah Istimewa Yogyakarta", "WIB", _JW, -7.9, 110.4, 3.7,
       "DIY", "Yogyakarta", "Jogja", "Jogjakarta", "Yogya", "Jogya", "Djogja", "DI Yogyakarta",
       "Yogyakarta Special Region", "Special Region of Yogyakarta", "Ngayogyakarta"),
    _p("JI", "35", "Jawa Timur", "WIB", _JW, -7.6, 112.5, 41.4, "Jatim", "East Java"),
    _p("BT", "36", "Banten", "WIB", _JW, -6.4, 106.1, 12.3),
    _p("BA", "51", "Bali", "WITA", _BN, -8.4, 115.2, 4.4, "Pulau Dewata"),
    _p("NB", "52", "Nusa Tenggara Barat", "WITA", _BN, -8.6, 117.4, 5.6, "NTB", "West Nusa Tenggara"),
    _p("NT", "53", "Nusa Tenggara Timur", "WITA", _BN, -9.2, 121.0, 5.5, "NTT", "East Nusa Tenggara"),
    _p("KB", "61", "Kalimantan Barat", "WIB", _KA, 0.0, 111.0, 5.6, "Kalbar", "West Kalimantan"),
    _p("KT", "62", "Kalimantan Tengah", "WIB", _KA, -1.6, 113.4, 2.7, "Kalteng", "Central Kalimantan"),
    _p("KS", "63", "Kalimantan Selatan", "WITA", _KA, -3.0, 115.3, 4.2, "Kalsel", "South Kalimantan"),
    _p("KI", "64", "Kalimantan Timur", "WITA", _KA, 0.5, 116.4, 3.9, "Kaltim", "East Kalimantan"),
    _p("KU", "65", "Kalimantan Utara", "WITA", _KA, 3.0, 116.1, 0.7, "Kaltara", "North Kalimantan"),
    _p("SA", "71", "Sulawesi Utara", "WITA", _SL, 1.2, 124.6, 2.7, "Sulut", "North Sulawesi"),
    _p("ST", "72", "Sulawesi Tengah", "WITA", _SL, -1.4, 121.4, 3.1, "Sulteng", "Central Sulawesi"),
    _p("SN", "73", "Sulawesi Selatan", "WITA", _SL, -3.7, 120.0, 9.4, "Sulsel", "South Sulawesi"),
    _p("SG", "74", "Sulawesi Tenggara", "WITA", _SL, -4.1, 122.2, 2.8, "Sultra", "Southeast Sulawesi"),
    _p("GO", "75", "Gorontalo", "WITA", _SL, 0.7, 122.4, 1.2),
    _p("SR", "76", "Sulawesi Barat", "WITA", _SL, -2.5, 119.3, 1.5, "Sulbar", "West Sulawesi"),
    _p("MA", "81", "Maluku", "WIT", _MA, -3.4, 129.8, 1.9, "Moluccas"),
    _p("MU", "82", "Maluku Utara", "WIT", _MA, 1.0, 127.8, 1.3, "Malut", "North Maluku"),
    _p("PA", "91", "Papua", "WIT", _PP, -2.3, 138.5, 1.1, "Tanah Papua"),
    _p("PB", "92", "Papua Barat", "WIT", _PP, -2.0, 133.5, 0.6, "Pabar", "West Papua", "Irian Jaya Barat"),
    _p("PS", "93", "Papua Selatan", "WIT", _PP, -6.9, 139.6, 0.5, "South Papua"),
    _p("PT", "94", "Papua Tengah", "WIT", _PP, -3.8, 136.5, 1.5, "Central Papua"),
    _p("PE", "95", "Papua Pegunungan", "WIT", _PP, -4.1, 138.9, 1.4, "Highland Papua", "Papua Pegunungan Tengah"),
    _p("PD", "96", "Papua Barat Daya", "WIT", _PP, -1.0, 131.5, 0.6, "Southwest Papua", "PBD"),
)

PROVINCE_BY_CODE: Mapping[str, Province] = MappingProxyType({p.code: p for p in PROVINCES})
PROVINCE_BY_BPS: Mapping[str, Province] = MappingProxyType({p.bps: p for p in PROVINCES})
# The bounded label set for metrics: never a raw user string.
REGION_CODES: tuple[str, ...] = tuple(p.code for p in PROVINCES) + (UNKNOWN_REGION,)

# Cities and regencies: (canonical name, ISO suffix, extra spellings). Every provincial capital plus
# the large kota/kabupaten, so that free-text "location" fields resolve. Where a kota and a kabupaten
# of the same name lie in different provinces, the bare name goes to the larger and the prefixed
# spellings are listed in _PREFIXED_CITIES.
_CITIES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    # Aceh
    ("Banda Aceh", "AC", ("Bna",)), ("Lhokseumawe", "AC", ()), ("Langsa", "AC", ()), ("Sabang", "AC", ()),
    ("Aceh Besar", "AC", ()), ("Aceh Utara", "AC", ()), ("Bireuen", "AC", ()), ("Pidie", "AC", ()),
    ("Aceh Barat", "AC", ("Meulaboh",)), ("Aceh Tamiang", "AC", ()), ("Aceh Timur", "AC", ()),
    # Sumatera Utara
    ("Medan", "SU", ()), ("Binjai", "SU", ()), ("Pematangsiantar", "SU", ("Pematang Siantar", "Siantar")),
    ("Tebing Tinggi", "SU", ()), ("Sibolga", "SU", ()), ("Padangsidimpuan", "SU", ("Padang Sidempuan",)),
    ("Deli Serdang", "SU", ("Deliserdang",)), ("Langkat", "SU", ()), ("Asahan", "SU", ()),
    ("Simalungun", "SU", ()), ("Karo", "SU", ("Berastagi", "Kabanjahe")), ("Toba", "SU", ("Danau Toba",)),
    ("Nias", "SU", ()), ("Gunungsitoli", "SU", ()), ("Tanjungbalai", "SU", ("Tanjung Balai",)),
    ("Labuhanbatu", "SU", ("Labuhan Batu",)), ("Serdang Bedagai", "SU", ()),
    # Sumatera Barat
    ("Padang", "SB", ()), ("Bukittinggi", "SB", ("Bukit Tinggi",)), ("Payakumbuh", "SB", ()),
    ("Solok", "SB", ()), ("Pariaman", "SB", ()), ("Sawahlunto", "SB", ()), ("Padang Panjang", "SB", ()),
    ("Agam", "SB", ()), ("Pesisir Selatan", "SB", ()), ("Kepulauan Mentawai", "SB", ("Mentawai",)),
    # Riau
    ("Pekanbaru", "RI", ("Pekan Baru", "Pku")), ("Dumai", "RI", ()), ("Kampar", "RI", ()), ("Siak", "RI", ()),
    ("Bengkalis", "RI", ()), ("Rokan Hilir", "RI", ()), ("Rokan Hulu", "RI", ()), ("Pelalawan", "RI", ()),
    ("Indragiri Hilir", "RI", ()), ("Indragiri Hulu", "RI", ()), ("Kuantan Singingi", "RI", ("Kuansing",)),
    # Jambi
    ("Sungai Penuh", "JA", ()), ("Muaro Jambi", "JA", ()), ("Kerinci", "JA", ()), ("Bungo", "JA", ("Muara Bungo",)),
    ("Merangin", "JA", ()), ("Batanghari", "JA", ("Batang Hari",)),
    # Sumatera Selatan
    ("Palembang", "SS", ("Plg",)), ("Lubuklinggau", "SS", ("Lubuk Linggau",)), ("Prabumulih", "SS", ()),
    ("Pagar Alam", "SS", ("Pagaralam",)), ("Ogan Komering Ilir", "SS", ("OKI",)),
    ("Ogan Komering Ulu", "SS", ("OKU",)), ("Muara Enim", "SS", ()), ("Banyuasin", "SS", ()),
    ("Musi Banyuasin", "SS", ("Muba",)), ("Lahat", "SS", ()), ("Ogan Ilir", "SS", ()),
    # Bengkulu
    ("Rejang Lebong", "BE", ("Curup",)), ("Bengkulu Utara", "BE", ()), ("Mukomuko", "BE", ("Muko Muko",)),
    ("Bengkulu Selatan", "BE", ()),
    # Lampung
    ("Bandar Lampung", "LA", ("Bandarlampung", "Tanjung Karang")), ("Metro", "LA", ()),
    ("Lampung Selatan", "LA", ()), ("Lampung Tengah", "LA", ()), ("Lampung Timur", "LA", ()),
    ("Lampung Utara", "LA", ()), ("Pringsewu", "LA", ()), ("Tanggamus", "LA", ()), ("Way Kanan", "LA", ()),
    # Kepulauan Bangka Belitung
    ("Pangkalpinang", "BB", ("Pangkal Pinang",)), ("Bangka", "BB", ()), ("Belitung", "BB", ()),
    ("Tanjung Pandan", "BB", ("Tanjungpandan",)), ("Muntok", "BB", ("Mentok",)), ("Bangka Barat", "BB", ()),
    # Kepulauan Riau
    ("Tanjungpinang", "KR", ("Tanjung Pinang",)), ("Batam", "KR", ()), ("Bintan", "KR", ()),
    ("Karimun", "KR", ("Tanjung Balai Karimun",)), ("Natuna", "KR", ()), ("Lingga", "KR", ()),
    ("Kepulauan Anambas", "KR", ("Anambas",)),
    # DKI Jakarta
    ("Jakarta Pusat", "JK", ("Jakpus", "Central Jakarta")), ("Jakarta Selatan", "JK", ("Jaksel", "South Jakarta")),
    ("Jakarta Barat", "JK", ("Jakbar", "West Jakarta")), ("Jakarta Timur", "JK", ("Jaktim", "East Jakarta")),
    ("Jakarta Utara", "JK", ("Jakut", "North Jakarta")), ("Kepulauan Seribu", "JK", ("Pulau Seribu",)),
    # Jawa Barat
    ("Bandung", "JB", ("Bdg", "Kota Kembang", "Paris van Java")), ("Bandung Barat", "JB", ("KBB",)),
    ("Bekasi", "JB", ("Bks",)), ("Depok", "JB", ("Dpk",)), ("Bogor", "JB", ("Bgr",)), ("Cimahi", "JB", ()),
    ("Sukabumi", "JB", ()), ("Cirebon", "JB", ("Crb",)), ("Tasikmalaya", "JB", ("Tasik",)),
    ("Karawang", "JB", ("Krawang",)), ("Purwakarta", "JB", ()), ("Subang", "JB", ()), ("Indramayu", "JB", ()),
    ("Majalengka", "JB", ()), ("Kuningan", "JB", ()), ("Sumedang", "JB", ()), ("Garut", "JB", ()),
    ("Ciamis", "JB", ()), ("Pangandaran", "JB", ()), ("Cianjur", "JB", ()), ("Cikarang", "JB", ()),
    # Jawa Tengah
    ("Semarang", "JT", ("Smg",)), ("Surakarta", "JT", ("Solo",)), ("Magelang", "JT", ()), ("Salatiga", "JT", ()),
    ("Pekalongan", "JT", ()), ("Tegal", "JT", ()), ("Kudus", "JT", ()), ("Jepara", "JT", ()), ("Pati", "JT", ()),
    ("Rembang", "JT", ()), ("Blora", "JT", ()), ("Grobogan", "JT", ("Purwodadi",)), ("Demak", "JT", ()),
    ("Kendal", "JT", ()), ("Batang", "JT", ()), ("Pemalang", "JT", ()), ("Brebes", "JT", ()),
    ("Banyumas", "JT", ("Purwokerto",)), ("Cilacap", "JT", ()), ("Kebumen", "JT", ()),
    ("Purbalingga", "JT", ()), ("Banjarnegara", "JT", ()), ("Wonosobo", "JT", ()), ("Temanggung", "JT", ()),
    ("Boyolali", "JT", ()), ("Klaten", "JT", ()), ("Sukoharjo", "JT", ()), ("Wonogiri", "JT", ()),
    ("Karanganyar", "JT", ()), ("Sragen", "JT", ()),
    # DI Yogyakarta
    ("Sleman", "YO", ()), ("Bantul", "YO", ()), ("Kulon Progo", "YO", ("Kulonprogo",)),
    ("Gunungkidul", "YO", ("Gunung Kidul", "Wonosari")),
    # Jawa Timur
    ("Surabaya", "JI", ("Sby", "Suroboyo", "Kota Pahlawan")), ("Malang", "JI", ("Mlg", "Ngalam")),
    ("Batu", "JI", ()), ("Kediri", "JI", ()), ("Blitar", "JI", ()), ("Madiun", "JI", ()), ("Mojokerto", "JI", ()),
    ("Pasuruan", "JI", ()), ("Probolinggo", "JI", ()), ("Sidoarjo", "JI", ("Sda",)), ("Gresik", "JI", ()),
    ("Lamongan", "JI", ()), ("Tuban", "JI", ()), ("Bojonegoro", "JI", ()), ("Jombang", "JI", ()),
    ("Nganjuk", "JI", ()), ("Tulungagung", "JI", ()), ("Trenggalek", "JI", ()), ("Ponorogo", "JI", ()),
    ("Pacitan", "JI", ()), ("Ngawi", "JI", ()), ("Magetan", "JI", ()), ("Jember", "JI", ()),
    ("Banyuwangi", "JI", ()), ("Bondowoso", "JI", ()), ("Situbondo", "JI", ()), ("Lumajang", "JI", ()),
    ("Bangkalan", "JI", ()), ("Sampang", "JI", ()), ("Pamekasan", "JI", ()), ("Sumenep", "JI", ()),
    ("Madura", "JI", ()),
    # Banten
    ("Serang", "BT", ()), ("Tangerang", "BT", ("Tng", "Tangerang Raya")),
    ("Tangerang Selatan", "BT", ("Tangsel", "South Tangerang", "BSD")), ("Cilegon", "BT", ()),
    ("Pandeglang", "BT", ()), ("Lebak", "BT", ("Rangkasbitung",)),
    # Bali
    ("Denpasar", "BA", ("Dps",)), ("Badung", "BA", ("Kuta", "Seminyak", "Canggu")), ("Gianyar", "BA", ("Ubud",)),
    ("Tabanan", "BA", ()), ("Buleleng", "BA", ("Singaraja",)), ("Karangasem", "BA", ()),
    ("Klungkung", "BA", ()), ("Bangli", "BA", ()), ("Jembrana", "BA", ()),
    # Nusa Tenggara Barat
    ("Mataram", "NB", ()), ("Bima", "NB", ()), ("Dompu", "NB", ()), ("Sumbawa", "NB", ()),
    ("Lombok Barat", "NB", ()), ("Lombok Tengah", "NB", ("Mandalika", "Praya")), ("Lombok Timur", "NB", ()),
    ("Lombok Utara", "NB", ()), ("Lombok", "NB", ()),
    # Nusa Tenggara Timur
    ("Kupang", "NT", ()), ("Ende", "NT", ()), ("Sikka", "NT", ("Maumere",)),
    ("Manggarai Barat", "NT", ("Labuan Bajo",)), ("Manggarai", "NT", ("Ruteng",)),
    ("Sumba Timur", "NT", ("Waingapu",)), ("Sumba", "NT", ()), ("Flores", "NT", ()),
    ("Timor Tengah Selatan", "NT", ("TTS", "Soe")), ("Belu", "NT", ("Atambua",)), ("Alor", "NT", ()),
    ("Rote Ndao", "NT", ("Rote",)),
    # Kalimantan Barat
    ("Pontianak", "KB", ("Ptk",)), ("Singkawang", "KB", ()), ("Sambas", "KB", ()), ("Ketapang", "KB", ()),
    ("Sintang", "KB", ()), ("Kubu Raya", "KB", ()), ("Mempawah", "KB", ()), ("Sanggau", "KB", ()),
    ("Kapuas Hulu", "KB", ("Putussibau",)),
    # Kalimantan Tengah
    ("Palangka Raya", "KT", ("Palangkaraya",)), ("Kotawaringin Timur", "KT", ("Sampit", "Kotim")),
    ("Kotawaringin Barat", "KT", ("Pangkalan Bun", "Kobar")), ("Kapuas", "KT", ("Kuala Kapuas",)),
    ("Barito Utara", "KT", ("Muara Teweh",)), ("Katingan", "KT", ()),
    # Kalimantan Selatan
    ("Banjarmasin", "KS", ("Bjm",)), ("Banjarbaru", "KS", ("Banjar Baru",)), ("Banjar", "KS", ("Martapura",)),
    ("Tanah Laut", "KS", ("Pelaihari",)), ("Kotabaru", "KS", ("Kota Baru",)), ("Tabalong", "KS", ("Tanjung Tabalong",)),
    ("Hulu Sungai Selatan", "KS", ("Kandangan",)), ("Tanah Bumbu", "KS", ("Batulicin",)),
    # Kalimantan Timur
    ("Samarinda", "KI", ("Smd",)), ("Balikpapan", "KI", ("Bpn",)), ("Bontang", "KI", ()),
    ("Kutai Kartanegara", "KI", ("Kukar", "Tenggarong")), ("Kutai Timur", "KI", ("Kutim", "Sangatta")),
    ("Berau", "KI", ("Tanjung Redeb",)), ("Paser", "KI", ("Tanah Grogot",)),
    ("Penajam Paser Utara", "KI", ("PPU", "Penajam")), ("Ibu Kota Nusantara", "KI", ("IKN",)),
    # Kalimantan Utara
    ("Tanjung Selor", "KU", ("Tanjungselor",)), ("Tarakan", "KU", ()), ("Nunukan", "KU", ()),
    ("Malinau", "KU", ()), ("Bulungan", "KU", ()),
    # Sulawesi Utara
    ("Manado", "SA", ("Menado", "Mdo")), ("Bitung", "SA", ()), ("Tomohon", "SA", ()), ("Kotamobagu", "SA", ()),
    ("Minahasa", "SA", ()), ("Kepulauan Sangihe", "SA", ("Sangihe", "Tahuna")), ("Kepulauan Talaud", "SA", ("Talaud",)),
    ("Bolaang Mongondow", "SA", ("Bolmong",)),
    # Sulawesi Tengah
    ("Palu", "ST", ()), ("Poso", "ST", ()), ("Banggai", "ST", ("Luwuk",)), ("Tolitoli", "ST", ("Toli Toli",)),
    ("Donggala", "ST", ()), ("Morowali", "ST", ()), ("Parigi Moutong", "ST", ("Parimo",)), ("Sigi", "ST", ()),
    # Sulawesi Selatan
    ("Makassar", "SN", ("Mks", "Makasar", "Ujung Pandang", "Ujungpandang")), ("Parepare", "SN", ("Pare Pare",)),
    ("Palopo", "SN", ()), ("Gowa", "SN", ("Sungguminasa",)), ("Bone", "SN", ("Watampone",)), ("Maros", "SN", ()),
    ("Bulukumba", "SN", ()), ("Sidenreng Rappang", "SN", ("Sidrap",)), ("Pinrang", "SN", ()), ("Wajo", "SN", ("Sengkang",)),
    ("Luwu", "SN", ()), ("Luwu Timur", "SN", ("Sorowako",)), ("Tana Toraja", "SN", ("Toraja", "Makale")),
    ("Toraja Utara", "SN", ("Rantepao",)), ("Takalar", "SN", ()), ("Jeneponto", "SN", ()), ("Soppeng", "SN", ()),
    ("Barru", "SN", ()), ("Pangkajene dan Kepulauan", "SN", ("Pangkep",)), ("Kepulauan Selayar", "SN", ("Selayar",)),
    ("Enrekang", "SN", ()), ("Sinjai", "SN", ()), ("Bantaeng", "SN", ()),
    # Sulawesi Tenggara
    ("Kendari", "SG", ("Kdi",)), ("Baubau", "SG", ("Bau Bau",)), ("Kolaka", "SG", ()), ("Konawe", "SG", ()),
    ("Muna", "SG", ("Raha",)), ("Buton", "SG", ()), ("Wakatobi", "SG", ()),
    # Gorontalo (the city shares the province's name and resolves to it)
    ("Boalemo", "GO", ()), ("Bone Bolango", "GO", ()), ("Pohuwato", "GO", ()), ("Gorontalo Utara", "GO", ()),
    ("Limboto", "GO", ()),
    # Sulawesi Barat
    ("Mamuju", "SR", ()), ("Majene", "SR", ()), ("Polewali Mandar", "SR", ("Polman", "Polewali")),
    ("Mamasa", "SR", ()), ("Pasangkayu", "SR", ("Mamuju Utara",)),
    # Maluku
    ("Ambon", "MA", ("Amq",)), ("Tual", "MA", ()), ("Maluku Tengah", "MA", ("Masohi", "Seram")),
    ("Buru", "MA", ()), ("Kepulauan Aru", "MA", ("Aru", "Dobo")), ("Kepulauan Tanimbar", "MA", ("Saumlaki", "Tanimbar")),
    ("Maluku Tenggara", "MA", ("Langgur",)), ("Seram Bagian Barat", "MA", ("SBB",)),
    # Maluku Utara
    ("Sofifi", "MU", ()), ("Ternate", "MU", ()), ("Tidore Kepulauan", "MU", ("Tidore",)),
    ("Halmahera Utara", "MU", ("Tobelo",)), ("Halmahera Selatan", "MU", ("Labuha",)),
    ("Halmahera Tengah", "MU", ("Weda",)), ("Halmahera Barat", "MU", ("Jailolo",)), ("Halmahera", "MU", ()),
    ("Pulau Morotai", "MU", ("Morotai",)),
    # Papua
    ("Jayapura", "PA", ("Jpr", "Sentani", "Abepura")), ("Biak Numfor", "PA", ("Biak",)), ("Keerom", "PA", ()),
    ("Sarmi", "PA", ()), ("Kepulauan Yapen", "PA", ("Yapen", "Serui")), ("Waropen", "PA", ()),
    ("Mamberamo Raya", "PA", ()), ("Supiori", "PA", ()),
    # Papua Barat
    ("Manokwari", "PB", ()), ("Fakfak", "PB", ("Fak Fak",)), ("Kaimana", "PB", ()), ("Teluk Bintuni", "PB", ("Bintuni",)),
    ("Teluk Wondama", "PB", ("Wasior",)), ("Pegunungan Arfak", "PB", ("Arfak",)), ("Manokwari Selatan", "PB", ()),
    # Papua Selatan
    ("Merauke", "PS", ("Salor",)), ("Boven Digoel", "PS", ("Tanah Merah",)), ("Mappi", "PS", ()), ("Asmat", "PS", ("Agats",)),
    # Papua Tengah
    ("Nabire", "PT", ()), ("Mimika", "PT", ("Timika",)), ("Paniai", "PT", ("Enarotali",)), ("Dogiyai", "PT", ()),
    ("Deiyai", "PT", ()), ("Intan Jaya", "PT", ("Sugapa",)), ("Puncak", "PT", ("Ilaga",)), ("Puncak Jaya", "PT", ("Mulia",)),
    # Papua Pegunungan
    ("Jayawijaya", "PE", ("Wamena", "Lembah Baliem", "Baliem")), ("Lanny Jaya", "PE", ("Tiom",)),
    ("Tolikara", "PE", ("Karubaga",)), ("Yahukimo", "PE", ("Dekai",)), ("Pegunungan Bintang", "PE", ("Oksibil",)),
    ("Nduga", "PE", ("Kenyam",)), ("Yalimo", "PE", ("Elelim",)), ("Mamberamo Tengah", "PE", ("Kobakma",)),
    # Papua Barat Daya
    ("Sorong", "PD", ("Soq",)), ("Sorong Selatan", "PD", ("Teminabuan",)), ("Raja Ampat", "PD", ("Waisai",)),
    ("Maybrat", "PD", ("Kumurkek",)), ("Tambrauw", "PD", ()),
)

# Spellings whose administrative prefix changes the answer (kota vs kabupaten in different provinces).
_PREFIXED_CITIES: dict[str, tuple[str, str]] = {
    "kota banjar": ("JB", "Banjar (Kota)"),
    "kota bengkulu": ("BE", "Bengkulu"),
    "kota jambi": ("JA", "Jambi"),
    "kota gorontalo": ("GO", "Gorontalo"),
    "kab gorontalo": ("GO", "Gorontalo"),
    "kota ternate": ("MU", "Ternate"),
    "kota tidore": ("MU", "Tidore Kepulauan"),
    "kota serang": ("BT", "Serang"),
    "kota jakarta": ("JK", "Jakarta"),
    "kota yogyakarta": ("YO", "Yogyakarta"),
    "kota jogja": ("YO", "Yogyakarta"),
    "kota jogjakarta": ("YO", "Yogyakarta"),
    "kota yogya": ("YO", "Yogyakarta"),
}

_PREFIXES = (
    "kabupaten", "kab", "kota", "kotamadya", "kodya", "kotamadia", "administrasi", "adm",
    "provinsi", "propinsi", "prov", "prop",
)
_TRAILERS = ("indonesia", "ri", "nkri", "id")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_MAX_INPUT_CHARS = 200  # no real place name is longer: skip the work on junk


def _norm(text: str) -> str:
    """Lowercase words of letters and digits; dotted initials ("D.K.I.") become one word ("dki")."""
    words = _NON_ALNUM.sub(" ", text.lower()).split()
    if any(len(w) == 1 for w in words):
        merged: list[str] = []
        initials = False  # the last merged word is made of single letters only
        for w in words:
            single = len(w) == 1 and w.isalpha()
            if single and initials:
                merged[-1] += w
            else:
                merged.append(w)
            initials = single or (initials and single)
        words = merged
    return " ".join(words)


def _build_province_keys() -> dict[str, str]:
    keys: dict[str, str] = {}
    for p in PROVINCES:
        iso = p.code[3:].lower()
        for spelling in (p.code, iso, f"id{iso}", p.bps, f"id {p.bps}", p.name, f"provinsi {p.name}", *p.aliases):
            keys.setdefault(_norm(spelling), p.code)
    return keys


def _build_city_keys() -> dict[str, tuple[str, str]]:
    keys: dict[str, tuple[str, str]] = {}
    for name, iso, extra in _CITIES:
        for spelling in (name, *extra):
            k = _norm(spelling)
            if k in keys:
                raise AssertionError(f"gazetteer: {spelling!r} listed twice")
            keys[k] = (f"ID-{iso}", name)
    return keys


# Canonical city/regency names per province (for synthetic data and reports).
CITIES_BY_CODE: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {p.code: tuple(name for name, iso, _ in _CITIES if f"ID-{iso}" == p.code) for p in PROVINCES}
)

# Every city name `normalize_region` can return, per province: the bounded set of city-level
# window series the engine keeps (anything else in a post's ``city`` is judged at province level only).
CITY_NAMES: Mapping[str, frozenset[str]] = MappingProxyType({
    p.code: frozenset(CITIES_BY_CODE[p.code]) | {name for iso, name in _PREFIXED_CITIES.values() if f"ID-{iso}" == p.code}
    for p in PROVINCES
})

_PROVINCE_KEYS: dict[str, str] = _build_province_keys()
_CITY_KEYS: dict[str, tuple[str, str]] = _build_city_keys()
_UNKNOWN = RegionMatch(UNKNOWN_REGION, None)


def _lookup_normalised(s: str) -> RegionMatch | None:
    hit = _PREFIXED_CITIES.get(s)
    if hit:
        return RegionMatch(f"ID-{hit[0]}", hit[1])
    code = _PROVINCE_KEYS.get(s)
    if code:
        return RegionMatch(code, None)
    city = _CITY_KEYS.get(s)
    if city:
        return RegionMatch(*city)
    words = s.split(" ")
    prefix = None
    while len(words) > 1 and words[0] in _PREFIXES:
        prefix = words.pop(0)
    while len(words) > 1 and words[-1] in _TRAILERS:
        words.pop()
    rest = " ".join(words)
    if prefix is not None and not prefix.startswith("pro"):
        city = _CITY_KEYS.get(rest)
        if city:
            return RegionMatch(*city)
    code = _PROVINCE_KEYS.get(rest)
    if code:
        return RegionMatch(code, None)
    city = _CITY_KEYS.get(rest)
    if city:
        return RegionMatch(*city)
    return None


@lru_cache(maxsize=65_536)
def _normalize_str(raw: str) -> RegionMatch:
    if len(raw) > _MAX_INPUT_CHARS:
        return _UNKNOWN
    s = _norm(raw)
    if not s:
        return _UNKNOWN
    hit = _lookup_normalised(s)
    if hit:
        return hit
    # "Bandung, Jawa Barat" / "Kec. Coblong, Kota Bandung": the most specific part that resolves wins.
    parts = [p for p in (_norm(x) for x in re.split(r"[,;/|()]", raw.lower())) if p]
    if len(parts) > 1:
        found = [m for m in (_lookup_normalised(p) for p in parts) if m]
        for m in found:
            if m.city:
                return m
        if found:
            return found[0]
    return _UNKNOWN


def normalize_region(raw: Any) -> RegionMatch:
    """Map whatever a producer put in the region field to an ISO code (or "unknown"); never raises."""
    try:
        if isinstance(raw, str):
            return _normalize_str(raw)
        if isinstance(raw, bool) or raw is None:
            return _UNKNOWN
        if isinstance(raw, int):
            p = PROVINCE_BY_BPS.get(str(raw))
            return RegionMatch(p.code, None) if p else _UNKNOWN
        if isinstance(raw, float) and raw.is_integer():
            p = PROVINCE_BY_BPS.get(str(int(raw)))
            return RegionMatch(p.code, None) if p else _UNKNOWN
        if isinstance(raw, bytes) and len(raw) <= _MAX_INPUT_CHARS:
            return _normalize_str(raw.decode("utf-8", "replace"))
    except Exception:  # noqa: BLE001 - normalisation of untrusted input must never take the worker down
        return _UNKNOWN
    return _UNKNOWN


def region_name(code: str) -> str:
    p = PROVINCE_BY_CODE.get(code)
    return p.name if p else "Tidak diketahui"


def tz_for(code: str) -> tzinfo:
    """The region's fixed offset; unknown regions are read as WIB, where most posts come from."""
    p = PROVINCE_BY_CODE.get(code)
    return p.tz if p else WIB


def utc_offset_ms(code: str) -> int:
    p = PROVINCE_BY_CODE.get(code)
    return (p.utc_offset_hours if p else TZ_OFFSETS["WIB"]) * 3_600_000


__all__ = [
    "CITIES_BY_CODE",
    "CITY_NAMES",
    "ISLAND_GROUPS",
    "PROVINCES",
    "PROVINCE_BY_CODE",
    "PROVINCE_BY_BPS",
    "REGION_CODES",
    "Province",
    "RegionMatch",
    "TZ_OFFSETS",
    "WIB",
    "WITA",
    "WIT",
    "normalize_region",
    "region_name",
    "tz_for",
    "utc_offset_ms",
]
