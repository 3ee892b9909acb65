"""Indonesian social-media slang and "alay" spellings mapped to one canonical form.

Hand-written for suhu (no external dictionary is copied). The goal is not proper Indonesian but
one spelling per word, so that a new variant of a known word lands on the same features.
Keys are lower-case tokens after repeated letters are squeezed (see normalize.py).
"""

from __future__ import annotations

SLANG: dict[str, str] = {
    # negation and function words
    "ga": "tidak", "gak": "tidak", "gk": "tidak", "g": "tidak", "nggak": "tidak", "ngga": "tidak",
    "enggak": "tidak", "engga": "tidak", "nda": "tidak", "ndak": "tidak", "tdk": "tidak", "tak": "tidak",
    "kagak": "tidak", "gag": "tidak", "ogah": "tidak mau",
    "yg": "yang", "dgn": "dengan", "dg": "dengan", "dng": "dengan", "utk": "untuk", "untk": "untuk",
    "krn": "karena", "krna": "karena", "karna": "karena", "soalnya": "karena",
    "tp": "tapi", "tpi": "tapi", "sm": "sama", "ama": "sama", "dr": "dari", "dri": "dari",
    "pd": "pada", "dlm": "dalam", "jg": "juga", "jgn": "jangan", "jngn": "jangan", "jan": "jangan",
    "sdh": "sudah", "udh": "sudah", "udah": "sudah", "dah": "sudah", "uda": "sudah", "sudh": "sudah",
    "blm": "belum", "blum": "belum", "lg": "lagi", "lgi": "lagi", "aja": "saja", "aj": "saja",
    "ajah": "saja", "doang": "saja", "cuma": "hanya", "cuman": "hanya", "cm": "hanya",
    "bgt": "banget", "bngt": "banget", "bet": "banget", "emg": "memang", "emang": "memang",
    "kalo": "kalau", "klo": "kalau", "kl": "kalau", "klu": "kalau", "kalu": "kalau",
    "gmn": "bagaimana", "gimana": "bagaimana", "gmana": "bagaimana", "knp": "kenapa", "napa": "kenapa",
    "org": "orang", "orng": "orang", "skrg": "sekarang", "skrng": "sekarang", "skr": "sekarang",
    "sy": "saya", "sya": "saya", "aq": "aku", "ak": "aku", "gw": "aku", "gue": "aku", "gua": "aku",
    "gwe": "aku", "ane": "aku", "w": "aku",
    "lu": "kamu", "lo": "kamu", "loe": "kamu", "elu": "kamu", "elo": "kamu", "lw": "kamu",
    "km": "kamu", "kmu": "kamu", "ente": "kamu", "u": "kamu", "kau": "kamu",
    "klian": "kalian", "kalean": "kalian", "mrk": "mereka",
    "bs": "bisa", "bsa": "bisa", "tau": "tahu", "tw": "tahu", "tauk": "tahu",
    "gitu": "begitu", "gt": "begitu", "gini": "begini", "bgini": "begini", "kyk": "kayak",
    "kek": "kayak", "spt": "seperti", "sprt": "seperti",
    "liat": "lihat", "ngliat": "lihat", "ngomong": "bicara", "ngmg": "bicara", "bilang": "bilang",
    "trs": "terus", "trus": "terus", "bkn": "bukan", "bukn": "bukan", "sblm": "sebelum",
    "sampe": "sampai", "ampe": "sampai", "bener": "benar", "bnr": "benar", "pake": "pakai",
    "dpt": "dapat", "dapet": "dapat", "mo": "mau", "mw": "mau", "pengen": "ingin", "pgn": "ingin",
    "pingin": "ingin", "tlg": "tolong", "plis": "tolong", "pls": "tolong", "sbg": "sebagai",
    "byk": "banyak", "bnyk": "banyak", "smua": "semua", "smw": "semua", "sll": "selalu",
    "msh": "masih", "masi": "masih", "tsb": "tersebut", "trhdp": "terhadap", "thd": "terhadap",
    "hrs": "harus", "hrus": "harus", "kpd": "kepada", "ttg": "tentang", "dll": "dan lain lain",
    "ni": "ini", "nih": "ini", "tu": "itu", "tuh": "itu", "iya": "ya", "iy": "ya", "yoi": "ya",
    "gpp": "tidak apa apa", "gapapa": "tidak apa apa", "sih": "sih", "bro": "bro", "brader": "bro",
    "mksd": "maksud", "maksudnya": "maksud", "kmrn": "kemarin", "kemaren": "kemarin",
    "bsk": "besok", "skali": "sekali", "bgs": "bagus", "mantab": "mantap", "mantul": "mantap",
    "maf": "maaf", "mf": "maaf", "makasih": "terima kasih", "mksh": "terima kasih", "thx": "terima kasih",
    "pemilu": "pemilu", "pilpres": "pilpres", "capres": "capres", "cawapres": "cawapres",
    "jkw": "jokowi", "pwi": "prabowo", "bowo": "prabowo", "wowo": "prabowo",
    # laughter
    "wkwk": "haha", "wkwkwk": "haha", "wkwkwkwk": "haha", "wk": "haha", "kwkw": "haha", "hahaha": "haha",
    "ha": "haha", "hehe": "haha", "hihi": "haha", "xixi": "haha", "awkwk": "haha", "lol": "haha",
    "lmao": "haha", "ngakak": "haha",
    # vulgar and insulting variants (incivility)
    "anjg": "anjing", "anjng": "anjing", "anjir": "anjing", "anjrit": "anjing", "anjrot": "anjing",
    "njing": "anjing", "njir": "anjing", "ajg": "anjing", "anj": "anjing", "anying": "anjing",
    "asu": "anjing", "asw": "anjing", "anjim": "anjing", "anjay": "anjing", "anjai": "anjing",
    "bngst": "bangsat", "bangsad": "bangsat", "bgst": "bangsat", "bangset": "bangsat",
    "kntl": "kontol", "kontl": "kontol", "kntol": "kontol", "kontil": "kontol",
    "mmk": "memek", "mmek": "memek", "ngntd": "ngentot", "ngentod": "ngentot", "ngntt": "ngentot",
    "entot": "ngentot", "ngewe": "ngentot", "ewe": "ngentot",
    "goblog": "goblok", "gblk": "goblok", "gblok": "goblok", "goblk": "goblok", "gobl0k": "goblok",
    "tlol": "tolol", "tll": "tolol", "bgo": "bego", "bego": "bego", "bodo": "bodoh",
    "bdh": "bodoh", "dongo": "dungu", "dongok": "dungu", "tai": "tahi", "taik": "tahi", "tae": "tahi",
    "bacot": "bacot", "bct": "bacot", "cocot": "bacot", "bcd": "bacot",
    "kampang": "kampret", "kmprt": "kampret", "bajingan": "bajingan", "bjngn": "bajingan",
    "brengsek": "brengsek", "brgsk": "brengsek", "kunyuk": "monyet", "monyong": "monyet",
    "bencong": "banci", "bences": "banci", "jancuk": "jancuk", "jancok": "jancuk", "cuk": "jancuk",
    "dancuk": "jancuk", "cok": "jancuk", "idiot": "idiot", "bloon": "bego", "oon": "bego",
    "sinting": "gila", "edan": "gila", "sarap": "gila",
    # election vocabulary spellings
    "curang2": "curang", "kcurangan": "kecurangan", "kecurngan": "kecurangan",
    "tercoblos": "tercoblos", "dicoblos": "dicoblos", "sirekap": "sirekap",
    "bawaslu": "bawaslu", "kpu": "kpu", "mk": "mk", "kepunk": "kepung", "kepong": "kepung",
    "gruduk": "geruduk", "grudug": "geruduk", "geruduq": "geruduk", "kt": "kita", "qt": "kita", "kite": "kita",
    "rame": "ramai", "bwa": "bawa", "ilang": "hilang", "cuurang": "curang", "crg": "curang",
}
