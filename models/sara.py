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

v2 (issue 11: rules that hold on discourse they were not written from) reads Indonesian as it is
written online: regional and slang feelings ("eneg", "gedeg", "ogah", "amit-amit"), attributes and
dehumanising words, expulsion and violence in their colloquial verb forms ("ngusir", "matiin",
"pulangkan"), negated positives ("gak ada yang bener", "mana ada ... yang jujur", "tumben ada ... yang
sopan"), avoidance ("jangan bergaul sama ..."), insinuation by framing (blame for a decline, a warning,
a preference against), unambiguous slurs on their own, and more group forms ("orang Chindo", "wong
Jowo", "orang asli Papua"). Spelling noise near a group: slips of typing (a missing, doubled or swapped
letter) of a predicate, words split in two ("di bunuh") or glued in two or three ("guebenciorang").
Answers to hate are recognised when they repeat the hateful words: a stock answer ("jangan rasis",
"itu ujaran kebencian"), a verb of saying before the group with an answering word ("yang ngatain orang
X monyet itu provokator"), an insult named before the group ("hinaan ke umat X"), a defence ("tidak
pantas dihina"); a post that piles up two hostile words is never an answer.

v7 (implicit derogation, the weakest functionality on the blind suites) reads stereotype frames that carry no
insult word: certainty or habit then misconduct ("orang X kalau dagang pasti ada akal-akalannya", "pengusaha X
suka nyogok"), an inherited failing ("sudah turun temurun", "darah X"), a warning that ends in regret ("jangan
nikah sama orang X, nanti nyesel"), a precaution the group's presence calls for ("tetangga baru orang X, jadi
motor digembok"), cutting their numbers, control with scheming ("diam-diam X menguasai ..."), "jangan kaget
kalau ...", anyone but them ("asal bukan X"), surprise at a virtue ("heran, ada juga X yang jujur"), idioms of
a failing ("lupa daratan", "panjang tangan"); each needs the misconduct, loss or exclusion in the post, and
praise after a frame ("namanya juga orang X, suaranya merdu") is not hate. Planned attacks reach further after
the group ("warga X di gang kami bakal gue tebas"), and answers to a stereotype ("jangan gampang bilang orang X
pasti ...", "kata siapa ...", "ada anggapan ..., padahal ...") are counter-speech.

Works on normalised text (models.normalize: lower case, slang folded, entity placeholders), costs
a few dict look-ups per token, and is pure and deterministic.

Why one long module: the group and predicate cue lists are data, and the context rules (negation,
quotation, counter-speech, reporting) must be read together with them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from models.denials import answered_no, canonical, claim_denied, negated_stances
from models.entities import PLACEHOLDER
from models.normalize import QUOTE_TOKEN as _QUOTE
from models.slang import SLANG

__all__ = ["GroupEvidence", "group_evidence", "group_masked", "GROUP_CATEGORY", "SARA_VERSION"]

SARA_VERSION = "8"

# --- groups -----------------------------------------------------------------------------------
# A group noun before a name makes the name a group ("orang madura", "umat kristen").
_GROUP_NOUNS = frozenset(
    "orang org suku etnis etnik warga kaum umat bangsa ras keturunan penganut jemaat jamaah jemaah "
    "golongan komunitas masyarakat anak pendukung simpatisan relawan kubu kader massa pemeluk aliran "
    "penduduk rakyat cewek cowok urang kulit berkulit setiap kelompok kalangan keluarga saudara teman "
    "penghayat wong pengikut para agama bocah "
    # v3: "basudara Maluku", "perantau Minang"
    "basudara perantau".split())
# Names that are groups only after a group noun (they are also places or ordinary words).
_NAMED_AFTER_NOUN: dict[str, str] = {
    **{w: "race" for w in (
        "madura jawa batak sunda bugis minang minangkabau padang dayak papua ambon maluku betawi aceh "
        "banjar bali sasak flores timor nias toraja makassar manado minahasa melayu palembang banten "
        "ternate buton mandar gorontalo kaili bima lombok india arab asing "
        "pribumi nonpribumi keling negro hitam timur kulit ntt sumba cino "
        # more suku and regional forms ("wong jowo", "urang sunda", "orang ngapak")
        "jowo jawir ngapak cirebon tegal osing tengger baduy badui samin lampung jambi riau bengkulu rejang "
        "karo toba mandailing simalungun mentawai sakai asmat dani bajo tolaki muna buton sumbawa alor rote "
        "kei manggarai kupang tionghoa chindo cindo bule barat afrika yaman hadrami pakistan bangladesh "
        "jepang korea amerika londo kalimantan sulawesi sumatera sumatra kaltim kalbar medan "
        # v3: "urang awak" (the Minang), "orang NTT", "warga Tamil"
        "awak ntt tamil gelap").split()},
    **{w: "gender" for w in "hawa".split()},  # "kaum hawa"
    **{w: "religion" for w in "gereja masjid".split()},  # "jemaat gereja", "jamaah masjid"
    **{w: "religion" for w in "islam muslim kristen katolik hindu buddha budha konghucu nasrani".split()},
    **{w: "physical" for w in "cacat autis buta tuli bisu netra".split()},
    **{w: "religion" for w in "kepercayaan protestan kristiani katholik kejawen wiwitan parmalim kaharingan "
                                "bahai sikh advent yehuwa pantekosta kharismatik karismatik ldii".split()},
}
# Words that name a group on their own.
_GROUP_WORDS: dict[str, str] = {
    **{w: "race" for w in (
        "tionghoa cina china chinese aseng cokin cindo chindo cino tiongkok pribumi nonpribumi yahudi negro "
        "jawir keling").split()},
    **{w: "religion" for w in (
        "ahmadiyah ahmadi syiah kristen kristiani protestan katolik nasrani hindu buddha budha buddhis konghucu "
        "khonghucu "
        "muslim muslimin muslimah islam kafir kafirun yahudi ateis atheis salafi wahabi "
        "katholik kristiani salibis rafidhah rafidah kapir nonmuslim ahmadi").split()},
    **{w: "gender" for w in (
        "perempuan wanita cewek lgbt lgbtq gay lesbi lesbian homo homoseksual biseksual "
        "transgender transpuan waria banci bences bencong transgender queer").split()},
    **{w: "physical" for w in (
        "disabilitas difabel tunanetra tunarungu tunawicara tunadaksa tunagrahita").split()},
    **{w: "other" for w in ("pendatang transmigran imigran pengungsi rohingya perantau komunis pki transmigrasi").split()},
}
# Camp labels: derogatory names for political camps, a group and an insult in one word.
_CAMP_LABELS = frozenset("cebong kampret kadrun togog buzzerp kampang termul".split())
# Slurs that name a SARA group and insult it in one word, with no ordinary meaning to confuse them with:
# alone they are evidence of hate ("ada cokin baru pindah ke sebelah"). Ambiguous ones (banci, homo,
# kafir, monyet, negro, onta) need a predicate like any group word.
_SLURS: dict[str, str] = {
    **{w: "race" for w in "cokin jawir inlander".split()},
    **{w: "religion" for w in "salibis rafidhah rafidah rafidi kapir".split()},
    **{w: "gender" for w in "bencong".split()},
}
_SLUR_PHRASES: dict[tuple[str, ...], str] = {("kadal", "gurun"): "race", ("penyembah", "berhala"): "religion"}
# After a group noun: a political camp ("pendukung ent_tokoh", "kader ent_partai").
_CAMP_OBJECTS = frozenset(PLACEHOLDER[t] for t in ("tokoh", "paslon", "partai", "nomor_urut"))
_CAMP_NOUNS = frozenset("pendukung simpatisan relawan kubu kader massa pemilih".split())
# Groups defined by what they do, not who they are: not protected, so abuse of them is not hate.
_CONDUCT_GROUPS = frozenset(
    "koruptor maling begal calo rentenir pinjol buzzer buzer penimbun pengemplang pungli "
    "collector pembalap penipu copet pencopet jambret perampok pencuri preman pelakor penjudi "
    # v4
    "ugal ugalan penimbun tengkulak".split())
_GROUP_QUALIFIERS = frozenset("asli asal adat keturunan".split())
_PRONOUNS = frozenset("mereka kalian kaum merekalah kalianlah kalean".split())
# "kamu semua", "golongan itu", "orang orang begitu": a group noun or pronoun pointing back to a group named before.
_POINTING = frozenset("semua semuanya itu tersebut begitu begituan ini".split())
_POINTING_HEADS = frozenset("kamu kau dia kelompok golongan kaum bangsa suku umat orang".split())
# "di madura", "ke papua", "dari jawa": a place, not a group.
_LOCATIVE = frozenset("di ke dari pulau kota provinsi kabupaten kab tanah daerah wilayah asal".split())

GROUP_CATEGORY = ("race", "religion", "gender", "physical", "other")
# Group words of these categories name no place: "benci ke cewek", "dari kaum gay" are still the group.
_PEOPLE_ONLY = frozenset(("gender", "physical"))

# --- predicates -------------------------------------------------------------------------------
# weight: how much a predicate alone says "hate" when it applies to a group.
# Feelings: a group is their target only when it follows them ("benci orang X", "jijik lihat X");
# after the group it is the one who feels ("warga X kesal karena banjir").
_EMOTION = {w: 0.8 for w in (
    "benci membenci kubenci muak jijik enek muntah mual sebel sebal kesal jengkel geram dongkol risih ilfil "
    "ilfeel murka dendam alergi "
    # colloquial and regional: "eneg", "gedeg", "sebel", "ogah", "amit-amit", "najis", "muak", "empet"
    "eneg gedeg gedek empet enek eneq sebal sebel jijay amit ogah emoh "
    "antipati dengki sirik "
    # v5: disgust in slang and Sundanese ("geli gue liat orang X", "geuleuh pisan ka orang X")
    "geli geuleuh").split()}
_ATTRIBUTES = {w: 0.7 for w in (
    "sampah buruk terburuk jahat bodoh goblok tolol idiot bego dungu penipu pembohong maling pencuri "
    "licik pemalas malas males kotor jorok biadab barbar primitif terbelakang kampungan brengsek bangsat "
    "bajingan beban parasit benalu perusak penjajah pengkhianat munafik sesat laknat terkutuk hina "
    "rendahan busuk bau bejat keji kejam serakah rakus tamak culas teroris radikal racun "
    "berbahaya ancaman bencana aib memalukan kriminal penjahat "
    "perampok pelacur lonte sundal gila sinting edan dasar menjijikkan najis dibenci norak onar pengacau perusuh penghianat pemabuk "
    "amoral pengecut penjilat dekil kumuh jelek udik kasar beringas buas liar pelit kikir menyesatkan "
    # causing feelings ("orang X itu nyebelin"), failings, and slang insults
    "menyebalkan nyebelin ngeselin menjengkelkan memuakkan menjijikan jijikin nyusahin menyusahkan "
    "merepotkan ngerepotin meresahkan resek rese songong sombong angkuh arogan tengil belagu "
    "bengis ndeso ndesa katrok emosian pemarah "
    "gembel bodo bloon oon lemot telmi pekok pandir tolol dongo "
    "rakus maruk pencopet copet rampok begal jambret "
    "zalim zholim dzalim sesat kotor hina "
    "jorok bau apek pesing kucel lusuh "
    "mesum cabul bejad bobrok perusak penghasut "
    "pemabok pemabuk penjudi penadah pemalak pemeras kacung "
    "penyusup kutukan sialan keparat laknatullah "
    # v7: taking more than one is given
    "ngelunjak melunjak "
    "sampah aib noda hama "
    # v3: failings as verbs ("emang ada X yang gak nyolong?") and debts
    "nyolong nyuri nipu ngibul ngapusi korup ngutang pengutang "
    # v4
    "merusak ngerusak").split()}
_DEHUMANISING = {w: 0.85 for w in (
    "binatang hewan babi anjing monyet kera kecoa tikus virus penyakit wabah setan iblis kutu lintah ular "
    "cacing lalat hama kuman bakteri kotoran tahi kecoak kanker tumor keledai dajjal "
    # animals, vermin, disease, parasites, filth
    "celeng kadal buaya kutu busuk nyamuk belatung ulat rayap lintah benalu parasit "
    "tungau kudis kurap koreng borok bisul kusta lepra rabies corona kolera pes limbah tinja "
    "taik tai comberan got selokan biawak kodok katak cecunguk curut "
    "sampah kotoran iblis siluman").split()}


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
    """Imperative, passive, active, first-person and slang forms of each stem ("bunuh" -> dibunuh, ...;
    colloquial "ngebunuh", "dibunuhin", "bunuhin")."""
    out: set[str] = set()
    for stem in stems.split():
        for base in (stem, stem + "kan", stem + "i"):
            out |= {base, "di" + base, _men(base), "ku" + base, base + "lah", base + "in"}
        out |= {"nge" + stem, "di" + stem + "in", "nge" + stem + "in"}
    return out


# Violence against people: hate *and* a threat when aimed at a group.
_THREAT_STEMS = (
    "bunuh bantai habis basmi musnah usir enyah ganyang bakar hajar gebuk tembak penggal gantung rajam bacok "
    "tikam rata hancur singkir lenyap tumpas serbu gorok tebas sembelih perang bom pancung "
    "grebek gerebek lempar tendang injak cincang mutilasi binasa sikat "
    # more violence: "serang", "tusuk", "lindas", "siksa", "berantas", "babat", "libas"
    "tusuk lindas siksa berantas babat libas hantam gorok sembelih pentung tebas obrak "
    # v4: "menyerang posko", "culik", "hancurin", "patahin kakinya"
    "serang culik hancur patah")
_THREATS = {w: 0.9 for w in _verb_forms(_THREAT_STEMS) | {
    "mampus", "modar", "modyar", "sweeping", "abisin", "ratain", "gebukin", "bakarin", "usirin",
    "matiin", "musnahin", "ngebantai", "ngebunuh", "ngusir", "ngebakar", "ngehajar", "nusuk",
    "nembak", "ngegebuk", "dihabisin", "dibunuhin", "diusirin", "dibakarin", "bantaiin",
    "enyahlah", "minggat", "bumihanguskan", "perangi", "pulangkan", "pulangin",
    "tenggelamkan", "ditenggelamkan", "singkirin", "lenyapin", "racuni", "diracun", "meracuni",
    # v4: Javanese and Sundanese ("tak pateni kabeh", "tak antemi", "ngagebugan"), slang ("hancurin", "kupatahin")
    "pateni", "dipateni", "mateni", "antemi", "diantemi", "ngantemi", "gebug", "ngagebugan", "digebug",
    "hancurin", "dihancurin", "patahin", "kupatahin", "dipatahin",
    # v7: colloquial nasal forms of s-, t- and p-stems ("nyerbu", "nyikat", "nebas", "mukulin"); not "nyerang",
    # which online is mostly verbal ("buzzer mulai nyerang lagi")
    "nyerbu", "nyikat", "nyiksa", "nyembelih", "nyingkirin", "nebas", "nikam", "nendang", "numpas",
    "ngeroyok", "keroyok", "keroyokin", "pukulin", "mukulin", "gebugin",
    # v5: sterilising, locking up, Sundanese "dipaehan" (killed)
    "disterilkan", "disteril", "sterilkan", "dipaehan", "paehan"}}
_POSITIVE = frozenset("baik jujur pintar pinter becus benar beres sopan bersih amanah berguna bagus "
                      "dipercaya diandalkan beradab "
                      # "gak ada yang bener", "tidak pernah tulus", "mana ada yang rajin"
                      "ramah rajin cerdas tulus setia berakhlak bermoral beriman waras toleran sportif "
                      "disiplin tertib mampu berbudaya berpendidikan terpelajar manusiawi peduli ikhlas "
                      "dermawan becus pantas layak sehat normal bener guna berotak bertanggung "
                      "menghargai menghormati taat setia berprestasi maju "
                      # v3: virtues people deny a group ("tidak mengenal rasa hormat", "tidak pernah berkontribusi")
                      "hormat santun wangi akhlak akhlaknya adab adabnya kontribusi berkontribusi berjasa "
                      "dipercayai diandalin respek respect berdampingan "
                      # v4: virtues as nouns ("kejujuran bukanlah sifat orang X", "tidak kenal tata krama")
                      "krama integritas kejujuran kebaikan sumbangsih manfaat nurani setara bermartabat "
                      "martabat "
                      # v5
                      "kebersihan kecerdasan jasa".split())
# Two-word virtues, read at their second word: "tidak kenal yang namanya kerja keras".
_POSITIVE_PAIRS = frozenset({("kerja", "keras"), ("tepat", "waktu"), ("terima", "kasih"), ("tahu", "diri"),
                             ("tanggung", "jawab"), ("akal", "sehat"), ("harga", "diri"), ("hati", "nurani"),
                             ("tahu", "adat")})
# Rhetorical frames that deny a group a virtue: "mustahil orang X bisa jujur", "sejak kapan X punya malu",
# "jangan harap X bisa maju", "belum pernah lihat X yang sopan", "mana mungkin X jujur".
_RHETORICAL_ONE = frozenset("mustahil mustahal".split())
_RHETORICAL_PAIRS = frozenset({("jangan", "harap"), ("sejak", "kapan"), ("mana", "mungkin"), ("belum", "pernah"),
                               ("kapan", "pernah"), ("tidak", "mungkin"), ("apakah", "pernah"), ("masih", "pantaskah"),
                               ("masih", "layakkah"),
                               # v4: "jangan ngarep", "gak ada ceritanya", "tidak bakal", "tidak satu pun",
                               # "bagaimana mungkin"
                               ("jangan", "ngarep"), ("jangan", "berharap"), ("ada", "ceritanya"),
                               ("satu", "pun"), ("bagaimana", "mungkin"), ("usah", "ngarep"),
                               # v7: a challenge to name one: "coba sebutkan satu saja ... yang maju karena X"
                               ("sebutkan", "satu"), ("sebut", "satu"), ("tunjukkan", "satu"), ("tunjukin", "satu")})
_CHALLENGE = frozenset({("sebutkan", "satu"), ("sebut", "satu"), ("tunjukkan", "satu"), ("tunjukin", "satu")})
# Weaker frames ("tidak akan", "tidak punya"): only with the group named before them, as their subject ("orang X
# tidak punya sopan santun"), never "kami tidak akan melupakan jasa orang X".
_SUBJECT_PAIRS = frozenset({("tidak", "bakal"), ("tidak", "akan"), ("tidak", "kenal"), ("tidak", "mengenal"),
                            ("tidak", "punya"), ("tidak", "memiliki")})
_FORGETTING = frozenset("lupa melupakan lupakan dilupakan".split())
_HUMANITY_PAIRS = frozenset({("sejak", "kapan"), ("masih", "pantaskah"), ("masih", "layakkah"),
                             ("bagaimana", "mungkin"), ("mana", "mungkin")})
# Questions that doubt a virtue: "apakah orang X layak disebut manusia?", "emangnya orang X punya hati nurani?"
_DOUBTING = frozenset("apakah memangnya emangnya".split())  # not "masa": "masa kampanye", "masa tenang"
# After a rhetorical frame, being human is a virtue denied: "sejak kapan orang X bisa dianggap manusia?"
_HUMAN = frozenset("manusia warga".split())
# A negator right after a virtue: "kejujuran bukanlah sifat orang X", "integritas tidak pernah ada pada orang X".
_AFTER_NEGATORS = frozenset("bukan bukanlah tidaklah".split())
# "Jujur? orang X? tidak mungkin", "Sopan santun? orang X tidak kenal": the denial, not any negation.
_DENYING_NEXT = frozenset("mungkin kenal punya mengenal pernah bisa".split())
_OWNED = frozenset("sifat bagian ciri milik kebiasaan budaya watak karakter sesuatu".split())
# "tidak benar bahwa ...", "tidak adil kalau ...": a negated judgement of what follows is a denial, not an insult.
_COMPLEMENTIZERS = frozenset("bahwa kalau jika apabila kalo".split())
# Weapons near a group: "datangi rumah orang X bawa golok" is a threat.
_WEAPONS = {w: 0.8 for w in "golok parang celurit clurit pedang samurai molotov senapan pistol "
                           "pentungan sajam arit badik".split()}
# A weapon is a threat only when it is carried, readied or waited with ("bawa golok", "golok sudah diasah,
# tinggal nunggu ..."), not in a report of one found ("aparat menyita golok").
_WEAPON_CUES = frozenset("bawa membawa bawain siapkan siapin siapkan diasah asah mengasah tunggu nunggu tinggal "
                         "datengin datangi".split())
# Words between a negator and a predicate that undo the negation: "tidak segan membantai".
_NEGATION_UNDONE = frozenset("segan ragu sungkan takut lebih heran "
                              "ubahnya bedanya".split())  # v8: "tidak ubahnya parasit" (no different from) is likeness
# Multi-word predicates (exclusion, negated positives); checked before single words and before negation.
_PHRASES: dict[tuple[str, ...], tuple[float, bool]] = {}
_PHRASES_V6 = (
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
    # exclusion and expulsion, in the ways people write it
    ("pulang sana", 0.8, True), ("balik sana", 0.8, True), ("pergi sana", 0.8, True), 
    ("minggat dari", 0.8, True), ("enyah dari", 0.85, True), ("hengkang dari", 0.75, True),
    ("balik ke asal", 0.8, True), ("pulang ke asal", 0.8, True), ("pulang kampung sana", 0.8, True),
    ("balik ke kampung", 0.7, True), ("balik ke hutan", 0.9, True), ("pulang ke hutan", 0.9, True),
    ("kembali ke hutan", 0.9, True), ("balik ke gurun", 0.85, True), ("pulang ke gurun", 0.85, True),
    ("balik ke cina", 0.85, True), ("pulang ke cina", 0.85, True), ("balik ke china", 0.85, True),
    ("pulang ke china", 0.85, True), ("balik ke arab", 0.85, True), ("pulang ke arab", 0.85, True),
    ("buang ke laut", 0.9, True), ("dibuang ke laut", 0.9, True), ("ceburin ke laut", 0.9, True),
    ("tidak usah tinggal", 0.8, False), ("tidak perlu tinggal", 0.75, False), ("jangan kasih tinggal", 0.8, False),
    ("tidak boleh masuk", 0.75, False), ("jangan boleh masuk", 0.75, False), ("dilarang masuk", 0.7, False),
    ("tidak boleh ada", 0.8, False), ("tidak boleh hidup", 0.9, True), ("tidak berhak hidup", 0.9, True),
    ("tidak usah hidup", 0.9, True), ("tidak pantes hidup", 0.9, True), ("tidak pantes tinggal", 0.85, False),
    ("tidak pantes", 0.75, False), ("tidak layak ada", 0.85, False), ("tidak boleh jadi", 0.75, False),
    ("tidak usah dikasih", 0.7, False), ("jangan dikasih", 0.65, False), ("jangan diberi", 0.65, False),
    ("pantas diperkosa", 0.95, True), ("pantasnya diperkosa", 0.95, True), ("layak diperkosa", 0.95, True),
    ("perkosa saja", 0.95, True), ("diperkosa saja", 0.95, True), ("harus diperkosa", 0.95, True),
    ("dibersihkan dari", 0.85, True), ("bersihkan dari", 0.85, True), ("mati saja", 0.9, True), ("mampus saja", 0.9, True), ("mati semua", 0.9, True), ("lebih baik mati", 0.9, True),
    ("mending mati", 0.9, True), ("dihukum mati", 0.85, True), ("air keras", 0.85, True),
    ("pantas dibunuh", 0.95, True), ("layak dibunuh", 0.95, True), ("wajib dibunuh", 0.95, True),
    ("perlu dibasmi", 0.95, True), ("wajib diusir", 0.9, True), ("perlu diusir", 0.9, True),
    ("bakar rumahnya", 0.9, True), ("bakar rumah", 0.85, True), ("bakar gerejanya", 0.9, True),
    ("bakar masjidnya", 0.9, True), ("bakar kampungnya", 0.9, True), ("potong lehernya", 0.95, True),
    ("potong kepalanya", 0.95, True), ("kita serbu", 0.85, True), ("kita serang", 0.85, True),
    ("kita habisi", 0.95, True), ("kita usir", 0.9, True), ("tumpahkan darah", 0.9, True),
    # intimidation: "kalian nggak akan aman", "tunggu pembalasan kami", "tunggu tanggal mainnya"
    ("tidak akan aman", 0.8, True), ("tidak bakal aman", 0.8, True), ("tunggu pembalasan", 0.85, True),
    ("tunggu tanggal mainnya", 0.8, True), ("musuh dalam selimut", 0.8, False), ("mata duitan", 0.75, False),
    ("mikirin duit", 0.6, False), ("tukang ribut", 0.7, False), ("suka berantem", 0.65, False),
    ("sok suci", 0.65, False), ("sok alim", 0.6, False), ("sok eksklusif", 0.65, False), ("sok paling", 0.6, False), ("awas kalian", 0.7, True), ("siap siap kalian", 0.7, True),
    # negated positives and failings, as they are written
    ("tidak bisa dipegang", 0.75, False), ("tidak ada benarnya", 0.75, False),
    ("tidak ada baiknya", 0.8, False), ("tidak ada bagusnya", 0.75, False), ("tidak ada gunanya", 0.75, False),
    ("tidak ada otak", 0.8, False), ("tidak ada akhlak", 0.8, False), ("tidak punya akhlak", 0.8, False),
    ("tidak berakhlak", 0.8, False), ("tidak punya adab", 0.8, False), ("tidak beradab", 0.8, False),
    ("tidak tahu adab", 0.8, False), ("tidak tau diri", 0.7, False), ("tidak tau malu", 0.7, False),
    ("tidak pernah benar", 0.7, False), ("tidak pernah becus", 0.75, False), ("tidak becus", 0.7, False),
    ("tidak bisa diatur", 0.7, False), ("tidak bisa dipercayai", 0.75, False),
    ("tidak tahu terimakasih", 0.7, False), ("tidak punya hati", 0.75, False), ("tidak punya etika", 0.75, False),
    ("tidak bisa maju", 0.7, False), ("tidak akan maju", 0.7, False), 
    ("kurang ajar", 0.7, False), ("kurang beradab", 0.75, False), ("kurang waras", 0.75, False),
    ("otak udang", 0.75, False), ("otaknya di dengkul", 0.8, False), ("otak dengkul", 0.8, False),
    ("lintah darat", 0.8, False), ("sampah negara", 0.9, False), ("sampah bangsa", 0.9, False),
    ("penyakit masyarakat", 0.9, False), ("penyakit bangsa", 0.9, False), ("beban negara", 0.8, False),
    ("kanker bangsa", 0.9, False), ("musuh negara", 0.8, False), ("musuh bangsa", 0.8, False),
    ("warga kelas dua", 0.8, False),
    ("kasta rendah", 0.8, False), ("ras rendah", 0.85, False), ("derajatnya rendah", 0.8, False),
    ("lebih hina", 0.8, False), ("setengah manusia", 0.9, False),
    # implicit derogation: stereotype and insinuation
    ("namanya juga", 0.55, False), ("maklum saja", 0.5, False), ("pantes saja", 0.5, False),
    ("pasti begitu", 0.5, False), ("begitu jadinya", 0.5, False), ("begitu kelakuannya", 0.6, False),
    ("pantas saja", 0.5, False), ("pantesan saja", 0.5, False),
    ("memang begitu", 0.5, False), ("memang begitu kelakuannya", 0.7, False), ("ya begitu kelakuannya", 0.7, False),
    ("dari sananya", 0.6, False), ("sudah bawaan", 0.6, False), ("sudah tabiat", 0.7, False), ("sifat asli", 0.6, False),
    ("watak asli", 0.65, False), ("kelakuan asli", 0.65, False), ("sudah watak", 0.7, False), ("sama saja semua", 0.6, False),
    ("semua sama saja", 0.6, False), ("hati hati sama", 0.6, False), 
    ("awas sama", 0.6, False), ("jaga dompet", 0.75, False), ("jaga barang", 0.6, False), ("kunci pintu", 0.6, False),
    ("jangan percaya", 0.7, False), ("jangan pernah percaya", 0.8, False), ("tidak bisa percaya", 0.7, False),
    ("jangan dekat", 0.7, False), ("jangan dekat dekat", 0.75, False), ("jauh jauh", 0.65, False),
    ("jangan berteman", 0.75, False), ("jangan temenan", 0.75, False), ("jangan nikah", 0.7, False),
    ("jangan menikah", 0.7, False), ("jangan kawin", 0.7, False), ("jangan sewakan", 0.75, False),
    ("jangan terima", 0.7, False), ("jangan kasih kerja", 0.75, False), 
    ("tidak mau", 0.6, False), ("tidak sudi", 0.75, False), ("ogah sama", 0.7, False),
    ("amit amit", 0.8, False), ("najis sama", 0.85, False), ("males sama", 0.7, False), ("malas sama", 0.7, False),
    ("pasti ulah", 0.7, False), ("ulah orang", 0.6, False), 
    ("dasar orang", 0.75, False), ("ciri khas", 0.5, False),
    ("bikin rusak", 0.7, False), ("bikin ribut", 0.7, False), ("bikin masalah", 0.7, False), ("bikin susah", 0.65, False),
    ("biang rusuh", 0.75, False), ("bikin rusuh", 0.7, False), ("bisanya cuma", 0.55, False), ("tukang bikin", 0.6, False),
    ("menguasai ekonomi", 0.6, False), ("kuasai ekonomi", 0.6, False),
    ("wajar saja", 0.5, False), ("pantesan", 0.55, False), ("barang hilang", 0.6, False), ("cek rumah", 0.5, False),
    ("geledah rumah", 0.55, False), ("jangan main", 0.6, False), ("tidak main", 0.6, False), ("tidak boleh main", 0.65, False),
    ("jangan bergaul", 0.65, False), ("tidak bergaul", 0.6, False), ("waspadai", 0.6, False), ("waspada sama", 0.6, False),
    ("waspada dengan", 0.55, False),
    # v3: blame, exclusion and expulsion as people write them
    ("sumber segala", 0.75, False), ("sumber kekacauan", 0.75, False), ("sumber keributan", 0.75, False),
    ("sumber kerusuhan", 0.75, False), ("sumber konflik", 0.7, False), ("biang keributan", 0.75, False),
    ("dijajah", 0.65, False), ("apa gunanya", 0.7, False), ("tidak ada akhlaknya", 0.8, False),
    ("tidak ada adabnya", 0.8, False), ("langsung buang", 0.6, False), ("langsung tolak", 0.6, False),
    ("kirain hanya", 0.6, False), ("kiamat sudah dekat", 0.55, False), ("keajaiban dunia", 0.55, False),
    ("siapa yang mau", 0.7, False), ("siapa juga yang mau", 0.7, False), ("siapa yang sudi", 0.75, False),
    ("jangan kerja sama", 0.7, False), ("jangan kerjasama", 0.7, False), ("jangan bekerja sama", 0.7, False),
    ("jangan berbisnis", 0.7, False), ("jangan kasih", 0.65, False), ("jangan pernah memberi", 0.7, False),
    ("jangan pernah kasih", 0.7, False), ("tidak dijual kepada", 0.75, False), ("tidak disewakan kepada", 0.75, False),
    ("tidak dijual ke", 0.75, False), ("tidak disewakan ke", 0.75, False), ("tidak dijual untuk", 0.75, False),
    ("tidak disewakan untuk", 0.75, False), ("berpikir ulang sebelum", 0.6, False), ("pikir ulang sebelum", 0.6, False),
    ("pikir pikir dulu sebelum", 0.6, False), ("jangan rekrut", 0.7, False), ("jangan terima kerja", 0.7, False),
    ("balik saja ke", 0.8, True), ("pulang saja ke", 0.8, True), ("balik ke asalnya", 0.85, True),
    ("pulang ke asalnya", 0.85, True), ("balik ke habitatnya", 0.9, True), ("pulang ke habitatnya", 0.9, True),
    ("balik ke habitat", 0.9, True), ("kembali ke asalnya", 0.85, True),
    ("jangan sampai menikah", 0.7, False), ("jangan sampai nikah", 0.7, False), ("jangan sampai kawin", 0.7, False),
    # v4: breeding like animals, hosting, what can be expected, being led by
    ("berkembang biak", 0.8, False), ("beranak pinak", 0.75, False), ("masih menampung", 0.65, False),
    ("masih nampung", 0.65, False), ("apa yang bisa diharapkan", 0.7, False), ("jangan sampai dipimpin", 0.7, False),
    ("tidak melayani", 0.6, False), ("mohon tidak menghubungi", 0.6, False),
    # v4: violence as people write it
    ("dengan kekerasan", 0.8, True), ("tinggal nama", 0.85, True), ("menumpahkan darah", 0.9, True),
    ("akan tumpah", 0.7, True), ("rata dengan tanah", 0.85, True), ("ratakan dengan tanah", 0.9, True),
    ("lempar batu", 0.75, True), ("bambu runcing", 0.8, True),
    # v5: exclusion and distrust as written
    ("jatuh ke tangan", 0.65, False), ("tidak usah dipercaya", 0.7, False), ("jangan dipercaya", 0.7, False),
    ("dibiarkan mati", 0.9, True), ("dibiarkan kelaparan", 0.85, True), ("biarkan mati", 0.9, True),
    ("dikurung", 0.7, True),
    ("tidak cocok jadi pemimpin", 0.75, False), ("tidak cocok memimpin", 0.75, False),
    ("jangan sampai dijual", 0.7, False), ("jangan dijual", 0.7, False), ("jangan kasih masuk", 0.7, False),
)
# v7 phrases: their words are kept out of the typo index (a new word there would take a slip of typing
# that meant an older predicate: "mauk" is "muak", not "masuk")
_PHRASES_V7 = (
    # v7: not letting live, exile
    ("tidak boleh dibiarkan hidup", 0.9, True), ("tidak boleh dibiarin hidup", 0.9, True),
    ("jangan biarkan hidup", 0.9, True), ("jangan dibiarkan hidup", 0.9, True), ("jangan dibiarin hidup", 0.9, True),
    ("tidak usah dibiarkan hidup", 0.9, True), ("tidak layak dibiarkan hidup", 0.9, True),
    ("dikirim ke pulau", 0.75, True), ("buang ke pulau", 0.8, True), ("dibuang ke pulau", 0.8, True),
    # v7: idioms of a failing of character, said of a group as its nature ("orang X kalau kaya lupa daratan")
    ("lupa daratan", 0.7, False), ("lupa diri", 0.65, False), ("besar kepala", 0.65, False),
    ("keras kepala", 0.65, False), ("panjang tangan", 0.75, False), ("tangan panjang", 0.75, False),
    ("muka tembok", 0.7, False), ("bermuka dua", 0.75, False), ("muka dua", 0.7, False), ("mata keranjang", 0.7, False),
    ("lidah bercabang", 0.75, False), ("kacang lupa kulitnya", 0.75, False), ("musang berbulu domba", 0.8, False),
    ("serigala berbulu domba", 0.8, False), ("darahnya panas", 0.65, False), ("darah panas", 0.65, False),
    ("gampang ngamuk", 0.7, False), ("suka ngamuk", 0.7, False), ("ringan tangan", 0.7, False),
    ("kaki tangan", 0.75, False),
    ("kuda troya", 0.75, False), ("tidak bisa diharapkan", 0.7, False), ("tidak bisa diandalkan", 0.7, False),
    ("cuma jadi beban", 0.75, False), ("hanya jadi beban", 0.75, False),
    ("susah diatur", 0.65, False), ("sulit diatur", 0.65, False),
    ("cuma numpang", 0.65, False), ("hanya numpang", 0.65, False), ("numpang hidup", 0.7, False),
    ("air susu dibalas air tuba", 0.75, False), ("minta jantung", 0.65, False), ("tidak tahu diuntung", 0.7, False),
    ("tukang tipu", 0.7, False), ("tukang palak", 0.7, False), ("tukang ngutang", 0.7, False),
    ("tukang bohong", 0.7, False), ("tukang rusuh", 0.7, False),
    ("tukang santet", 0.7, False), ("tukang fitnah", 0.7, False), ("tukang peras", 0.7, False),
    # a place assigned to the group: the kitchen, the zoo
    ("tempatnya di dapur", 0.7, False), ("urusannya dapur", 0.65, False), ("balik ke dapur", 0.7, False),
    ("kembali ke dapur", 0.7, False), ("di dapur saja", 0.65, False), ("ke dapur saja", 0.65, False),
    ("ujungnya di dapur", 0.65, False), ("dapur sumur kasur", 0.7, False), ("tempatnya di kasur", 0.75, False),
    ("cocoknya di kebun binatang", 0.85, False), ("tempatnya di kebun binatang", 0.85, False),
    ("pantasnya di kebun binatang", 0.85, False),
    # loyalty elsewhere: "orang X lebih cinta negara leluhurnya"
    ("negara leluhurnya", 0.6, False), ("tanah leluhurnya", 0.6, False), ("negara asalnya", 0.6, False),
    ("negeri asalnya", 0.6, False),
)
for _p, _w, _threat in (*_PHRASES_V6, *_PHRASES_V7):
    _PHRASES[tuple(_p.split())] = (_w, _threat)
_PHRASE_FIRST = frozenset(k[0] for k in _PHRASES)
# Phrases of avoidance and distrust: like feelings, the group is their target only when it follows them
# ("jangan percaya sama orang X"); after the group, the group is the one who avoids ("warga X tidak mau pindah").
_TARGET_FIRST = frozenset(tuple(p.split()) for p in (
    "tidak mau", "tidak sudi", "ogah sama", "najis sama", "males sama", "malas sama", "jangan percaya",
    "jangan pernah percaya", "tidak bisa percaya", "jangan dekat", "jangan dekat dekat", "jauh jauh", "jangan berteman",
    "jangan temenan", "jangan nikah", "jangan menikah", "jangan kawin", "jangan sewakan", "jangan terima",
    "jangan kasih kerja", "hati hati sama", "awas sama", "dasar orang", "jangan main", "tidak main", "tidak boleh main",
    "jangan bergaul", "tidak bergaul", "waspadai", "waspada sama", "waspada dengan", "ulah orang", "pasti ulah",
    "tidak mau dekat", "tidak suka", "jaga dompet",
    "jaga barang", "kunci pintu",
    # v3
    "siapa yang mau", "siapa juga yang mau", "siapa yang sudi", "jangan kerja sama", "jangan kerjasama",
    "jangan bekerja sama", "jangan berbisnis", "jangan kasih", "jangan pernah memberi", "jangan pernah kasih",
    "tidak dijual kepada", "tidak disewakan kepada", "tidak dijual ke", "tidak disewakan ke", "tidak dijual untuk",
    "tidak disewakan untuk", "berpikir ulang sebelum", "pikir ulang sebelum", "pikir pikir dulu sebelum",
    "jangan rekrut", "jangan terima kerja", "apa gunanya", "jangan sampai menikah", "jangan sampai nikah",
    "jangan sampai kawin", "masih menampung", "masih nampung", "apa yang bisa diharapkan", "jangan sampai dipimpin",
    "tidak melayani", "jatuh ke tangan", "jangan sampai dijual", "jangan dijual", "jangan kasih masuk"))
# Threats and dehumanisation only after a call, a wish or a plan: "pendukung 01 besok pulang tinggal nama",
# "harusnya orang X dikurung", "untuk apa orang X dibiarkan berkembang biak"; not "budaya X kini tinggal nama".
# v7: loyalty to another country only when it is said to come first ("lebih cinta negara leluhurnya").
_NEEDS_LOYALTY = frozenset(tuple(p.split()) for p in (
    "negara leluhurnya", "tanah leluhurnya", "negara asalnya", "negeri asalnya"))
_LOYALTY = frozenset("cinta setia loyal membela bela peduli patuh tunduk".split())
_NEEDS_CALL = frozenset(tuple(p.split()) for p in (
    "tinggal nama", "dengan kekerasan", "dikurung", "berkembang biak", "beranak pinak"))
_CALLS = frozenset("akan bakal harus harusnya seharusnya sebaiknya mestinya sepatutnya ayo yuk mari kita kami besok "
                   "siap siap pantas layak biar dibiarkan biarkan hadapi awas tunggu".split())
# v7: before an avoidance phrase these warn, they do not negate: "jangan sampai jatuh ke tangan orang X".
_WARNING_HEADS = frozenset({("jangan", "sampai"), ("jangan", "biarkan"), ("jangan", "biar")})
# Only in a question: "masih percaya sama orang X?", "pantaskah orang X disebut warga negara?"
_QUESTION_PHRASES: dict[tuple[str, ...], float] = {tuple(p.split()): w for p, w in (
    ("masih percaya", 0.65), ("masih mau percaya", 0.65), ("pantaskah", 0.7), ("layakkah", 0.7),
    ("masih pantaskah", 0.7), ("apa bedanya", 0.6))}
# Regional and colloquial function words, read as Indonesian by the rules only (the normaliser, which the
# models were trained with, is unchanged): Javanese, Sundanese, Betawi, Minang, Batak.
_REGIONAL = {"ora": "tidak", "teu": "tidak", "indak": "tidak", "mboten": "tidak", "ndak": "tidak",
             "ono": "ada", "aya": "ada", "ade": "ada", "ado": "ada", "sing": "yang", "nyang": "yang",
             "iso": "bisa", "biso": "bisa", "dipercoyo": "dipercaya", "halak": "orang",
             "ojo": "jangan", "aje": "saja", "semuanye": "semuanya", "kite": "kita", "ngerti": "mengerti",
             "kagak": "tidak", "wonten": "ada", "ingkang": "yang", "saged": "bisa", "dipicayo": "dipercaya",
             "wae": "saja", "sengit": "benci", "oreng": "orang", "madhura": "madura",
             "kabeh": "semua", "alesan": "alasan",
             # v5: Minang, Palembang, Banjar, Makassar, Javanese, Sundanese
             "nan": "yang", "dipacayo": "dipercaya", "kada": "tidak", "janganmi": "jangan",
             "kasi": "kasih", "duwe": "punya", "isin": "malu", "toto": "tata", "kromo": "krama",
             "yen": "kalau", "leres": "benar", "upami": "kalau", "nganti": "sampai", "rabi": "nikah",
             "bangso": "bangsa",
             # v7: Minang, Manado, Javanese
             "jujua": "jujur", "juo": "juga", "ruponyo": "rupanya", "bagitu": "begitu", "mesti": "pasti",
             "ngono": "begitu", "kelakuane": "kelakuannya",
             # v7: answering an insult in Sundanese and Javanese ("ulah ngahina orang X", "ojo ngece ...,
             # kabeh podo menungsane")
             "ngahina": "menghina", "ngina": "menghina", "ngino": "menghina", "ngece": "mengejek",
             "ngenyek": "menghina", "podo": "sama", "sarua": "sama", "menungso": "manusia", "menungsa": "manusia",
             "menungsane": "manusia", "jalma": "manusia"}
_GROUP_MAKING = frozenset("halak oreng madhura bangso".split())
# Particles that carry no meaning the rules read, dropped so phrases match across them ("balik sih ke asalnya").
_PARTICLES = frozenset("sih dong deh tuh nih mah kok loh lho kan yah lah toh kek".split())
# "tidak mau" is avoidance only before one of these ("gak mau temenan sama orang X"), not "tidak mau membenci".
_AVOID_NEXT = frozenset("sama dengan dekat berteman temenan tinggal satu punya kerja bekerja nikah menikah kawin lihat "
                        "ketemu bertemu bertetangga tetanggaan dipimpin sewa beli milih memilih pilih terima menerima main bergaul "
                        "ada salaman jabat makan duduk serumah sekantor sekelas berurusan urusan anak anakku".split())
# "orang X bikin aku muak": a causative before a feeling makes the group before it its cause.
_CAUSATIVE = frozenset("bikin membuat buat bikinin".split())
# "tiap lihat orang X rasanya pengen muntah": a group that is seen or met is what the feeling is about.
# Kinds of predicate: plain; a feeling or avoidance (its target follows it, a little further off); an
# insinuation that frames the sentence ("namanya juga ... orang X", "wajar saja ... penduduknya orang X").
_PLAIN, _FEELING, _INSINUATION, _WEAPON = 0, 1, 2, 3
_INSINUATIONS = frozenset(tuple(p.split()) for p in (
    "namanya juga", "maklum saja", "pantas saja", "pantes saja", "pantesan saja", "pasti begitu", "begitu jadinya",
    "begitu kelakuannya", "pantesan", "wajar saja", "tidak heran", "amit amit"))
# A weapon opens the post and the group comes later: "golok sudah diasah, tinggal nunggu orang X keluar".
_REACH = {_PLAIN: 0, _FEELING: 2, _INSINUATION: 4, _WEAPON: 3}
_PERCEIVE = frozenset("lihat liat melihat ngeliat ketemu bertemu dengar denger mendengar ingat inget tiap "
                      # v5: an interjection of disgust before the group ("Ih, orang X. Jijik.")
                      "ih ihh idih iyuh hih".split())
_PREDICATES: dict[str, float] = {**_ATTRIBUTES, **_EMOTION, **_DEHUMANISING, **_THREATS, **_WEAPONS}
_THREAT_WORDS = frozenset(_THREATS) | frozenset(_WEAPONS)
_NEGATORS = frozenset("tidak bukan jangan tanpa belum stop berhenti".split())
_LITERAL_ANIMAL = frozenset("punya memelihara pelihara peliharaan beli membeli jual menjual makan daging kebun "
                            "seekor ekor kandang ternak".split())
# How far a predicate may stand from the group it applies to: "benci sama orang madura" (before),
# "orang madura itu memang yang paling buruk" (after). Wider windows catch unrelated words.
_WINDOW_BEFORE = 4
_WINDOW_AFTER = 5
# A feeling or an avoidance reaches its target further on: "males banget gue satu kantor sama orang X".
_FEELING_REACH = 2


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


# Typos are looked for among the plain predicates, the threat verbs' stems and their passive and active
# forms, the positives that a negation turns hostile, and the words of phrases: not every generated form
# (too many neighbours).
_V7_ONLY_WORDS = ({w for p, _, _ in _PHRASES_V7 for w in p.split()}
                  - {w for p, _, _ in _PHRASES_V6 for w in p.split()})
_THREAT_TYPO_FORMS = {f for stem in _THREAT_STEMS.split() for f in (stem, "di" + stem, _men(stem))} & set(_THREATS)
_FUZZY_PREDICATES = _fuzzy_index(frozenset(_ATTRIBUTES) | frozenset(_EMOTION) | frozenset(_DEHUMANISING)
                                 | _THREAT_TYPO_FORMS | _POSITIVE
                                 | ({w for k in _PHRASES for w in k if len(w) >= 5} - _V7_ONLY_WORDS))
# Every word the rules read: a word in it is never "corrected" as a typo.
_LEXICON = frozenset(_PREDICATES) | _POSITIVE | {w for k in _PHRASES for w in k}
# Words split in two ("di bunuh", "b enci" after normalisation) that are joined back.
_JOINABLE = frozenset(_PREDICATES) | _POSITIVE
_JOIN_HEADS = frozenset(w[:k] for w in _JOINABLE for k in range(1, len(w)))  # first pieces of a split word
_SLUR_WEIGHT = 0.65
# "kampung keling", "jalan keling": a place name, not a slur.
_PLACE_BEFORE = _LOCATIVE | frozenset("kampung kampong jalan jln gang pasar desa kelurahan kecamatan".split())


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
_SAYING = frozenset("nyebutin ngatain ngatai "
                    "bilang dibilang menyebut sebut disebut nyebut mengatakan dikatakan ngatain mengatai "
                    "menyebutnya berkata ucapan perkataan komentar cuitan unggahan postingan narasi pernyataan "
                    "ngomong bicara nulis menulis tulis ditulis tulisan "
                    # v3: labelling ("orang X dicap kotor")
                    "dicap dilabeli dilabel distigma cap label stigma anggapan".split())
# Disapproval around a quotation: the quote is being rejected, not repeated.
_DISAPPROVAL = frozenset("keterlaluan kelewatan parah miris prihatin kecewa malu menolak tolak introspeksi salah "
                         "berpendidikan fitnah hoaks hoax ngawur ngaco memalukan keliru".split())
_REJECTION = tuple(f" {p} " for p in (
    "jangan rasis", "stop rasis", "tidak boleh begitu", "jangan begitu", "ujaran kebencian", "keterlaluan",
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
    "stop menyalahkan",
    # answering hate the way people do online: "jangan rasis", "gak boleh gitu", "stop SARA"
    "tidak boleh begitu", "jangan begitu", "tidak boleh rasis", "stop sara", "jangan sara", "stop kebencian",
    "hentikan kebencian", "sebar kebencian", "menyebar kebencian", "menyebarkan kebencian", "nyebar kebencian",
    "jangan generalisasi", "jangan menggeneralisasi", "jangan digeneralisasi", "jangan generalisir",
    "jangan pukul rata", "jangan gebyah uyah", "hargai perbedaan", "saling menghargai", "kita semua sama",
    "sama sama manusia", "sesama manusia", "sesama anak bangsa", "saudara sebangsa", "bhinneka tunggal ika",
    "jangan adu domba", "jangan memecah belah", "jangan terprovokasi", "tidak etis", "hanya oknum", "cuma oknum",
    "korban rasisme", "korban diskriminasi", "lawan diskriminasi", "tolak diskriminasi", "menolak diskriminasi",
    "anti rasisme", "anti diskriminasi", "diskriminasi terhadap", "kebencian terhadap", "kebencian kepada",
    "jangan menyudutkan", "jangan mendiskriminasi", "jangan merendahkan", "jangan hina", "tidak boleh merendahkan",
    # v3: defending and shrugging off ("aku bakal belain orang X", "tetanggaan sama orang X biasa saja")
    "biasa saja", "tidak masalah", "tidak apa apa", "tidak takut", "belain", "jangan bawa bawa",
    # v6: anti-SARA advice ("pilih calon yang jujur, bukan karena dia orang X")
    "bukan karena dia", "bukan karena sukunya", "bukan karena agamanya", "bukan karena suku", "bukan karena agama",
    # v4
    "tidak ada yang perlu ditakutin", "tidak ada yang perlu ditakuti", "tidak ada yang perlu ditakutkan",
    "tidak perlu takut", "tidak akan menyakiti", "tidak bakal menyakiti", "tidak bakal nyakitin",
    "tidak akan nyakitin", "tidak bakal pernah nyakitin", "tidak akan pernah menyakiti",
    # v5
    "hanya karena identitasnya", "karena identitasnya", "hanya karena sukunya", "hanya karena agamanya",
    "tidak akan menolak", "tidak pernah takut", "tidak pernah menolak",
    # v8: a scapegoat refused, a sneer rebuked, no reason found to hate
    "kambing hitam", "kambinghitamkan", "dikambinghitamkan", "mengkambinghitamkan", "stop nyinyir", "jangan nyinyir",
    "tidak nemu alasan", "tidak menemukan alasan", "tidak punya alasan"))
# Stock answers to hate that hold even when the post repeats the hateful words ("yang bilang orang X
# sampah itu rasis", "dasar rasis, orang X juga manusia"): the post is counter-speech.
_STRONG_COUNTER = tuple(f" {p} " for p in (
    "jangan rasis", "stop rasis", "itu rasis", "dasar rasis", "kok rasis", "rasis banget", "sangat rasis",
    "kamu rasis", "rasis kamu", "ujaran kebencian", "itu sara", "stop sara", "jangan sara", "tidak boleh begitu",
    "jangan begitu", "jangan generalisasi", "jangan menggeneralisasi", "jangan pukul rata", "jangan gebyah uyah",
    "tidak bisa dibenarkan", "tidak dibenarkan", "itu salah", "salah besar", "jelas salah", "tidak benar kalau", "tidak benar bahwa", "tidak ada alasan",
    "bukan berarti", "salah kalau", "keliru kalau", "yang salah itu kamu", "yang salah kamu", "itu fitnah", "itu hoaks",
    "itu diskriminasi", "itu diskriminatif", "itu menghina", "itu penghinaan", "sangat menyakitkan",
    "sama sama manusia", "sesama manusia", "juga manusia", "kita semua saudara", "bhinneka tunggal ika",
    "tidak pantas bilang", "tidak pantas ngomong",
    "tidak pantas menyebut", "tidak boleh bilang", "tidak boleh ngomong", "jangan ngomong", "harus dilaporkan",
    "laporkan saja", "harus di report", "lapor polisi", "jangan diulang", "jangan disebar", "jangan di share",
    # v7: "jangan gampang bilang orang X pasti ...", "stereotip bahwa orang X ... itu keliru"
    "jangan gampang bilang", "jangan asal bilang", "jangan sembarangan bilang", "jangan gampang menuduh",
    "jangan asal menuduh", "jangan asal tuduh", "jangan main tuduh", "jangan gampang menilai", "jangan menilai",
    "jangan menghakimi", "itu keliru", "keliru besar", "stereotip bahwa", "stereotipe bahwa", "stereotip soal",
    "stereotip tentang", "itu stereotip", "cuma stereotip", "hanya stereotip",
    # v7: playing the SARA card is denounced ("caleg kok mainnya SARA"); getting to know them is the answer
    "mainnya sara", "main sara", "main isu sara", "mainkan isu sara", "memainkan isu sara", "jualan sara",
    "coba kenalan dulu", "kenalan dulu sebelum", "semua sama manusia",
))
# Denials of a stereotype ("siapa bilang orang X bodoh? tidak benar itu", "tidak adil kalau orang X dicap kotor"):
# they answer the insult they repeat, but only within their own sentence, and never a threat ("heran kenapa
# orang X dibiarkan di sini, usir saja"; "siapa bilang orang X jujur? mereka semua penipu").
_DENIALS = tuple(f" {p} " for p in (
    "siapa bilang", "kata siapa", "tidak adil kalau", "tidak adil jika", "menolak anggapan", "membantah anggapan",
    "tidak setuju kalau", "tidak setuju jika", "tidak setuju dengan anggapan", "tidak mengerti kenapa",
    "tidak paham kenapa", "tidak benar itu", "itu tidak benar", "itu stereotip", "itu stereotipe", "hanya stereotip",
    "tidak ada bukti", "tidak terbukti", "bohong kalau", "bohong jika", "keliru jika", "salah jika", "tidak benar jika"))
# A report of authorities stopping an attack ("polisi membubarkan massa yang hendak menyerang permukiman orang X"):
# the violence is reported, not threatened.
_AUTHORITIES = frozenset("polisi aparat tni polri satpol kapolda kapolres kapolsek brimob densus bawaslu".split())
_STOPPING = frozenset("menyita disita ditemukan razia dikurung ditahan menahan "
                      "membubarkan dibubarkan mencegah dicegah menggagalkan digagalkan menghalau dihalau mengamankan "
                      "diamankan menangkap ditangkap mengevakuasi dievakuasi melerai menurunkan diturunkan menghapus "
                      "dihapus memblokir diblokir takedown menindak ditindak".split())
# Judgements that also describe a group ("orang X itu memalukan"): they answer hate only where an insult or
# hate is named in the post ("ngatain orang X itu memalukan", "rasis ke orang X tidak lucu").
_SOFT_COUNTER = tuple(f" {p} " for p in (
    "bahan lelucon", "tidak ada yang keren", "tidak keren", "tidak lucu", "tidak beradab", "malu maluin",
    "memalukan", "cara mikir", "cara berpikir", "pola pikir", "norak"))
# Verbs of insulting: a group right after one is the insult's object, and what the post says is about
# the insult ("merendahkan orang X adalah tindakan tidak beradab", "lu ngehina orang X gitu mikir gak sih?").
_INSULT_VERBS = frozenset(
    "merendahkan ngerendahin rendahin menghina ngehina hina menyalahkan nyalahin salahin mengejek ngejek ejek "
    "nyinyirin menyinyiri mengolok ngolok ngolokin membully ngebully bully merundung mendiskriminasi "
    "diskriminasi menjelekkan jelekin ngejelekin ngatain mengatai menghujat hujat memfitnah fitnah menstigma "
    "mencaci memaki menertawakan ngetawain meledek ngeledek ledekin menghakimi mengucilkan ngucilin "
    "mengkafirkan ngafirin menyudutkan nyudutin".split())
# ... unless the post calls for it or enjoys it ("ayo hina orang X", "gue hobi ngejek orang X").
_INSULT_CALL = frozenset("ayo yuk mari kita harus wajib silakan boleh hobi suka senang seneng enak asyik terus "
                         "memang pantas wajar layak".split())
# Disapproval of the insult: "merendahkan orang X adalah tindakan tidak beradab", "lu ngehina orang X mikir gak?"
_DISAPPROVING = frozenset("beradab memalukan malu rasis jangan mikir norak stop berhenti salah dosa tega keren lucu "
                          "kasihan sedih miris prihatin kecewa bermoral moral pantas pantes persatuan capek ilok "
                          "diam diem bertanggung hapus dihapus".split())



@dataclass(frozen=True, slots=True)
class GroupEvidence:
    hate: float  # evidence of hate against a group, in [0, 1]
    threat: float  # evidence of a threat or call to violence against a group, in [0, 1]
    category: str | None  # race | religion | gender | physical | other of the strongest pair
    counter_speech: bool  # the post denounces, negates or reports hate
    # v3: the post names no protected group but a group defined by conduct ("koruptor", "begal", "calo"):
    # abuse of it is incivility, not hate (HateCheck F24), so the scorer damps the heads' hate
    conduct_only: bool = False


_NONE = GroupEvidence(0.0, 0.0, None, False)


def _groups(tokens: list[str]) -> list[tuple[int, int, str, float]]:
    """(first position, last position, category, certainty) of each group mention."""
    found: list[tuple[int, int, str, float]] = []
    for i, tok in enumerate(tokens):
        prev = tokens[i - 1] if i else ""
        start, cat, cert = i, None, 1.0
        if prev in _GROUP_NOUNS and (tok in _NAMED_AFTER_NOUN or tok in _GROUP_WORDS):
            start, cat = i - 1, _NAMED_AFTER_NOUN.get(tok) or _GROUP_WORDS[tok]
        elif prev in _GROUP_QUALIFIERS and i >= 2 and tokens[i - 2] in _GROUP_NOUNS and tok in _NAMED_AFTER_NOUN:
            start, cat = i - 2, _NAMED_AFTER_NOUN[tok]  # "orang asli papua", "warga asal madura", "masyarakat adat dayak"
        elif prev in _CAMP_NOUNS and tok in _CAMP_OBJECTS:
            start, cat = i - 1, "other"
        elif tok in _GROUP_WORDS and (prev not in _LOCATIVE or _GROUP_WORDS[tok] in _PEOPLE_ONLY):
            cat, cert = _GROUP_WORDS[tok], 0.9
        elif tok in _CAMP_LABELS:
            cat, cert = "other", 0.9
        elif tok in _SLURS:
            cat = _SLURS[tok]
        elif tok in _PRONOUNS and found:
            cat, cert = found[-1][2], 0.85
        elif found and tok in _POINTING and prev in _POINTING_HEADS and found[-1][1] < i - 1:
            start, cat, cert = i - 1, found[-1][2], 0.85  # "kamu semua", "golongan itu"
        if cat is not None:
            found.append((start, i, cat, cert))
    return found


def group_masked(normalized: str) -> str | None:
    """The post with each group mention replaced by its category's placeholder (``<grp_race>``, ...), so the
    learned group reader (models/reader.py) reads what is said about a group, never which group; None when
    the post names no group."""
    tokens = normalized.split()
    spans = _groups(tokens)
    if not spans:
        return None
    out: list[str | None] = list(tokens)
    for start, end, cat, _ in spans:
        for i in range(start, end + 1):
            out[i] = None
        out[start] = f"<grp_{cat}>"
    return " ".join(t for t in out if t is not None)


def _predicates(tokens: list[str], near: set[int],
                known: Callable[[str], bool] | None) -> tuple[list[tuple[int, float, bool, int]], list[int]]:
    """(position, weight, is_threat) of each hostile predicate, and the positions of negated ones.

    `near`: positions close to a group, where a word that `known` does not know may be a one-typo
    spelling of a predicate ("beci" for "benci", "hewna" for "hewan").
    """
    found: list[tuple[int, float, bool, int]] = []
    negated: list[int] = []
    skip_to = -1
    for i, tok in enumerate(tokens):
        if i < skip_to:
            continue
        if tok in _PHRASE_FIRST:
            for length in (5, 4, 3, 2, 1):
                key = tuple(tokens[i:i + length])
                if len(key) == length and key in _PHRASES:
                    w, threat = _PHRASES[key]
                    if key[-1] == "mau" and _AVOID_NEXT.isdisjoint(tokens[i + length:i + length + 4]):
                        break  # "tidak mau membenci": not avoidance
                    if key[:2] in _DEFENDING_HEADS and i + length < len(tokens) \
                            and tokens[i + length] in _HOSTILE_PASSIVE:
                        negated.append(i)  # "umat X tidak pantas dihina": a defence
                        skip_to = i + length + 1
                        if skip_to < len(tokens) and tokens[skip_to] in ("sebagai", "seperti", "bagai", "kayak"):
                            skip_to += 5  # "... tidak layak diperlakukan sebagai warga kelas dua": all of it
                        elif skip_to < len(tokens) and tokens[skip_to] in ("apalagi", "atau", "dan", "maupun", "bahkan"):
                            skip_to += 2  # "... tidak layak dihina, apalagi diusir": both defended
                        break
                    if key[:2] in _DEFENDING_HEADS and i + length < len(tokens) \
                            and tokens[i + length] in _LABELLING_PASSIVE \
                            and any(t in _PREDICATES for t in tokens[i + length + 1:i + length + 4]):
                        # v7: "orang X tidak pantas dibilang sampah masyarakat": the insult is refused (but
                        # "tidak pantas disebut manusia" denies a virtue and stays hate)
                        negated.append(i)
                        skip_to = i + length + 4
                        break
                    if key in _NEEDS_LOYALTY and not ("lebih" in tokens[max(0, i - 4):i]
                                                      and not _LOYALTY.isdisjoint(tokens[max(0, i - 4):i])):
                        skip_to = i + length
                        break  # "warga X tetap cinta Indonesia dan negara leluhurnya": no preference
                    if key in _NEEDS_CALL and _CALLS.isdisjoint(tokens[max(0, i - 8):i]):
                        skip_to = i + length
                        break  # "budaya orang X kini tinggal nama", "sapi warga X berkembang biak"
                    if key in _TARGET_FIRST and not _WARNING_HEADS.isdisjoint(_pairs(tokens[max(0, i - 4):i])):
                        found.append((i + length - 1, w, threat, _FEELING))  # v7: "jangan sampai jatuh ke tangan X"
                    elif _is_negated(tokens, i):
                        if w >= 0.7:
                            negated.append(i)  # "orang X bukan biang kerok", "tidak harus pergi"
                    elif key in _TARGET_FIRST:
                        # the target follows the phrase: measured from its last word ("siapa yang mau tinggal
                        # sebelahan sama orang X")
                        last = i + length - 1  # ("ulah orang" ends on the group's own noun: keep its start)
                        found.append((last if tokens[last] not in _GROUP_NOUNS else i, w, threat, _FEELING))
                    else:
                        found.append((i, w, threat, _INSINUATION if key in _INSINUATIONS else _PLAIN))
                    skip_to = i + length
                    break
            if skip_to > i:
                continue
        if tok in _HOSTILE_PASSIVE and i >= 2 and tuple(tokens[i - 2:i]) in _DEFENDING_HEADS:
            negated.append(i)
            continue
        w = _PREDICATES.get(tok)
        if w is None and (tok in _POSITIVE or (i and (tokens[i - 1], tok) in _POSITIVE_PAIRS)
                          or (tok in _HUMAN and _doubting_humanity(tokens[max(0, i - 8):i]))):
            if _negated_positive(tokens, i):
                # anchored at the negation, which stands next to the group: "orang X tidak akan pernah bisa
                # jadi warga negara yang baik" is about X however far the good word is
                anchor = _negation_anchor(tokens, i)
                # a virtue denied after it names its owner further on ("kebersihan bukan bagian dari hidup orang X")
                found.append((anchor, 0.7, False, _INSINUATION if _virtue_denied_after(tokens, i) else _PLAIN))
                if anchor != i:
                    found.append((i, 0.7, False, _PLAIN))  # "jangan harap ada kebaikan dari orang X"
            elif i + 1 < len(tokens) and tokens[i + 1] == "?" and _NEGATORS.isdisjoint(tokens[max(0, i - 3):i]):
                # the virtue asked first, then denied: "Dipercaya? orang X? Tidak mungkin." "Sopan santun? orang X
                # tidak kenal."
                later = [k for k in range(i + 2, min(len(tokens) - 1, i + 12))
                         if tokens[k] in _NEGATORS and tokens[k + 1] in _DENYING_NEXT]
                if later:
                    found.append((later[0], 0.7, False, _PLAIN))
            continue
        if w is None:
            w = _affixed(tok)
        if w is None:
            if tok == "kecuali" and not _EXCLUSION_CONTEXT.isdisjoint(tokens):
                found.append((i, 0.6, False, _FEELING))  # "lowongan terbuka untuk umum, kecuali orang X"
            continue
        if tok in _DEHUMANISING and i and tokens[i - 1] in _LITERAL_ANIMAL:
            continue  # "punya anjing", "daging babi", "seekor monyet": the animal itself
        if _is_negated(tokens, i):
            if _none_without(tokens, i):
                found.append((i, w, False, _PLAIN))  # "ada gak sih orang X yang gak nyusahin?"
                continue
            negated.append(i)  # "tidak benci", "bukan sampah", "jangan usir"
            continue
        if tok in _WEAPONS and _WEAPON_CUES.isdisjoint(tokens):
            continue
        if tok == "geli" and not _AMUSED.isdisjoint(tokens):
            continue  # "geli ketawa": amused, not disgusted
        found.append((i, w, tok in _THREAT_WORDS,
                      _FEELING if tok in _EMOTION else _WEAPON if tok in _WEAPONS else _PLAIN))
    if "?" in tokens:
        for i in range(len(tokens)):
            for length in (2, 1):
                key = tuple(tokens[i:i + length])
                if len(key) == length and key in _QUESTION_PHRASES:
                    found.append((i, _QUESTION_PHRASES[key], False, _FEELING))
                    break
    return found, negated


# Renting, selling, hiring: "kecuali" there excludes a group from it.
_EXCLUSION_CONTEXT = frozenset("lowongan loker dijual disewakan sewa kos kost kontrakan kamar dicari "
                               "rekrutmen karyawan pegawai penyewa".split())
# Degree and form affixes on an insult: "sebego itu", "terjorok", "bodohnya", "malasnya".
_PREFIXES = ("se", "ter", "paling")
_SUFFIXES = ("nya", "lah", "kah")


def _affixed(tok: str) -> float | None:
    """The weight of an attribute or dehumanising word written with a prefix or suffix of degree or form."""
    if len(tok) < 6:
        return None
    for pre in _PREFIXES:
        if tok.startswith(pre):
            w = _ATTRIBUTES.get(tok[len(pre):])
            if w is not None:
                return w
    for suf in _SUFFIXES:
        if tok.endswith(suf):
            stem = tok[:-len(suf)]
            w = _ATTRIBUTES.get(stem) or _DEHUMANISING.get(stem)
            if w is not None:
                return w
    return None


def _negation_anchor(tokens: list[str], i: int) -> int:
    """Where the denial of the good word at i starts: the first negator or rhetorical cue of the 8 words before."""
    for k in range(max(0, i - 8), i):
        if tokens[k] in _NEGATORS or tokens[k] in _RHETORICAL_ONE or tokens[k] in _DOUBTING \
                or tokens[k] in ("mana", "sejak", "kapan", "bagaimana"):
            return k
    return i


def _virtue_denied_after(tokens: list[str], i: int) -> bool:
    """A virtue then its denial: "kejujuran bukanlah sifat orang X", "integritas tidak pernah ada pada orang X";
    not "orang X itu ramah, bukan seperti yang diberitakan"."""
    after = tokens[i + 1:i + 4]
    if not after:
        return False
    if after[0] in _AFTER_NEGATORS:
        return len(after) > 1 and after[1] in _OWNED
    return after[0] == "tidak" and ("ada" in after or "terbukti" in after)


def _names_group(token: str) -> bool:
    """A word that names a group (or points back to one): the subject a denial or a doubt is about."""
    return token in _GROUP_WORDS or token in _NAMED_AFTER_NOUN or token in _PRONOUNS or token in _CAMP_LABELS


def _doubted_subject(tokens: list[str], i: int) -> bool:
    """"apakah orang X layak ...?": a doubting word, then the group, then the virtue at most two words on
    (not "apakah pemilih disabilitas mendapat pendampingan yang layak?": the virtue describes something else)."""
    before = tokens[max(0, i - 8):i]
    if _DOUBTING.isdisjoint(before):
        return False
    for k in range(i - 1, max(-1, i - 4), -1):
        t = tokens[k]
        if t == "yang":
            return False
        if _names_group(t):
            return True
    return False


def _doubting_humanity(before: list[str]) -> bool:
    """Frames that doubt being human or a citizen ("sejak kapan orang X dianggap manusia?"), not every negation:
    "kami tidak akan mengusir warga X" says nothing of the kind."""
    if not _RHETORICAL_ONE.isdisjoint(before) or not _DOUBTING.isdisjoint(before):
        return True
    return any((a, b) in _HUMANITY_PAIRS for a, b in zip(before, before[1:]))


def _rhetorical(before: list[str]) -> bool:
    """A frame that denies what follows: "mustahil", "jangan harap", "sejak kapan", "belum pernah"."""
    if not _RHETORICAL_ONE.isdisjoint(before):
        return True
    if any((a, b) in _RHETORICAL_PAIRS for a, b in zip(before, before[1:])):
        return True
    if not _FORGETTING.isdisjoint(before):
        return False
    for k in range(len(before) - 1):
        if (before[k], before[k + 1]) in _SUBJECT_PAIRS:
            head = before[:k]
            return any(_names_group(t) for t in head)
    return False


def _none_without(tokens: list[str], i: int) -> bool:
    """"ada (gak) X yang tidak <failing>", "mana ada X yang gak <failing>": every X has the failing."""
    if i < 2 or tokens[i - 2] != "yang" or tokens[i - 1] not in ("tidak", "bukan"):
        return False
    before = tokens[max(0, i - 9):i - 2]
    return "ada" in before or "pernah" in before  # v4: "pernah lihat orang X yang tidak nyusahin?"


_SURPRISED = frozenset("heran ternyata ajaib ajaibnya tumben kaget".split())
_MODAL_GOOD = frozenset("bisa mau pernah punya benar berani".split())
_WHY = frozenset("kenapa mengapa napa".split())
_AMUSED = frozenset("ketawa tertawa lucu ngakak haha wkwk kocak".split())
_JAVANESE_VERBS = frozenset("pateni mateni antemi gebug paehan gebuki gebugi kepruki keplaki tabok taboki bacoki "
                             "sembeleh sembelih".split())  # v8: more verbs after "tak" (I will)
_WIDE_SCOPE = frozenset("pernah menganggap anggap merasa bilang percaya setuju".split()) | _SAYING


def _is_negated(tokens: list[str], i: int) -> bool:
    """A negator among the 3 words before, or further back when it governs a verb of judging
    ("saya tidak pernah menganggap orang X lebih rendah")."""
    before = tokens[max(0, i - 3):i]
    if any(b in _NEGATION_UNDONE for b in before):
        return False
    if any(b in _NEGATORS for b in before):
        j = max(k for k in range(max(0, i - 3), i) if tokens[k] in _NEGATORS)
        if j and tokens[j - 1] == "?" and not _POSITIVE.isdisjoint(tokens[max(0, j - 6):j - 1]):
            return False  # v8: "orang X jujur? enggak, maling semua": the "no" denies the virtue, not the insult
        # "kenapa orang X tidak balik saja ke asalnya?": a suggestion, not a negation
        if tokens[j] == "tidak" and tokens[i] in _JAVANESE_VERBS and j == i - 1:
            return False  # Javanese "tak pateni" (I will kill), normalised as "tidak pateni"
        return not (tokens[j] == "tidak" and not _WHY.isdisjoint(tokens[max(0, j - 5):j])
                    and "saja" in tokens[i:i + 3] and "karena" not in tokens)
    
    wide = tokens[max(0, i - 7):i]
    return any(a in _NEGATORS and b in _WIDE_SCOPE for a, b in zip(wide, wide[1:]))


def _negated_positive(tokens: list[str], i: int) -> bool:
    """A negated good word is hostile: "tidak ada orang X yang jujur", "X tidak pernah berbuat baik"."""
    before = tokens[max(0, i - 8):i]  # "gak pernah ada warga keturunan X yang pinter"
    near_before = tokens[max(0, i - 4):i]
    if i + 1 < len(tokens) and tokens[i + 1] in _COMPLEMENTIZERS:
        return False  # "tidak benar bahwa ...": a denial of what follows
    if i and tokens[i - 1] in _COMPLEMENTIZERS:
        return False  # "jika benar ...": a condition, whatever negation came before it
    if not _FORGETTING.isdisjoint(near_before):
        return False  # "kami tidak akan melupakan jasa orang X"
    if tokens[i] in ("benar", "betul") and (not i or tokens[i - 1] != "yang") and (
            i + 1 == len(tokens) or tokens[i + 1] in ("itu", "?", "kok")):
        return False  # "siapa bilang orang X jorok? tidak benar itu": a denial ("yang tidak benar" is not)
    if "tumben" in before and "yang" in near_before:
        return True  # "tumben ada orang X yang jujur": they never are
    if i >= 2 and tokens[i - 2:i] == ["belum", "tentu"]:
        return True  # v7: "kalau senyum belum tentu tulus"
    if not _SURPRISED.isdisjoint(before) and "ada" in before and "yang" in near_before:
        return True  # v7: "heran, ada juga orang X yang jujur ternyata"
    if "lebih" in near_before and "dari" in tokens[i + 1:i + 3] and not _NEGATORS.isdisjoint(before):
        than = tokens[tokens.index("dari", i + 1) + 1:][:2]
        # "orang X tidak lebih pintar dari anak TK", "tidak ada orang X yang lebih bersih dari kandang"; but
        # "tidak ada yang lebih baik dari orang X" praises X
        named = than[:1] and (than[0] in _GROUP_WORDS or than[0] in _PRONOUNS or (
            than[0] in _GROUP_NOUNS and len(than) > 1 and (than[1] in _NAMED_AFTER_NOUN or than[1] in _GROUP_WORDS)))
        if not named:
            return True
    if "lebih" in before or "semua" in before or "salah" in near_before:
        return False
    if not _CHALLENGE.isdisjoint(_pairs(tokens[max(0, i - 10):i])):
        return True  # v7: "coba sebutkan satu saja orang X yang berprestasi"
    if any(t in ("cuma", "hanya", "saja", "sekadar") for t in near_before):
        return False  # "bukan cuma pintar tapi juga jujur"
    if _rhetorical(tokens[max(0, i - 10):i]):
        return True  # "mustahil orang X bisa jujur", "jangan harap orang X bisa maju"
    if _virtue_denied_after(tokens, i):
        return True  # "kejujuran bukanlah sifat orang X", "integritas tidak pernah ada ..."
    if "?" in tokens[i:i + 7] and _doubted_subject(tokens, i):
        return True  # "apakah orang X layak disebut manusia?"
    relative = i > 0 and (tokens[i - 1] == "yang" or (i >= 2 and tokens[i - 2] == "yang" and tokens[i - 1] in _MODAL_GOOD))
    if relative and "?" in tokens[i:] and ("ada" in before or "pernah" in before):
        return True  # "emang ada orang X yang jujur?", "pernah lihat orang X yang wangi?"
    if "tidak" in before and "pernah" in before:
        return True
    if any(a == "mana" and b in ("ada", "mungkin", "bisa", "pernah") for a, b in zip(before, before[1:])):
        return True  # "mana ada orang X yang jujur"
    if relative and any(a == "tidak" and b == "ada" for a, b in zip(before, before[1:])):
        return True  # "tidak ada orang X yang (bisa) dipercaya"
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
    if any(p in joined for w in _COUNTER_BY_FIRST.keys() & toks for p in _COUNTER_BY_FIRST[w]):
        return True
    if not (_INSULT_VERBS.isdisjoint(toks) and _HATE_TOPICS.isdisjoint(toks) and "rasis" not in toks) and any(
            p in joined for p in _SOFT_COUNTER):
        return True
    if (toks & _SAYING or quoted) and any(p in joined for w in _REJECTION_BY_FIRST.keys() & toks
                                          for p in _REJECTION_BY_FIRST[w]):
        return True
    if not quoted:
        return False
    outside = _outside_quotes(tokens)
    # quoting hate to reject it: disapproval outside the quotes, and no insult of one's own there
    return bool(set(outside) & (_HATE_TOPICS | _DISAPPROVAL)) and not any(t in _PREDICATES for t in outside)


# Words of a post that answers hate it repeats: "yang ngatain orang X monyet itu provokator", "miris liat
# komentar yang bilang ...", "saya menentang pernyataan bahwa ...".
_ANSWER_CUES = frozenset(
    "rasis rasisme rasial diskriminasi diskriminatif intoleran intoleransi provokator provokasi toleransi stereotip "
    "stereotipe menentang membantah menyangkal miris prihatin memalukan introspeksi ditangkap dilaporkan "
    "keterlaluan kelewatan berpendidikan kecewa sara "
    # v7: "ada anggapan orang X pasti pelit, padahal ..."
    "padahal".split()) | _REPORT_VERBS
# Words for an insult or attack on a group: what follows them is the insult's target, and what is said of it
# ("hinaan ke umat X itu memalukan") is said of the insult.
_ABOUT_HATE = frozenset("hinaan penghinaan hujatan cacian makian ejekan olokan diskriminasi persekusi "
                        "rasisme ujaran intoleransi stigma stigmatisasi prasangka ancaman teror intimidasi kekerasan "
                        "serangan rasis kebencian komen komentar candaan lelucon fitnah hoaks".split())
# After "tidak pantas", "tidak boleh": an insult done to the group is defended against ("tidak pantas dihina").
_TOWARDS = frozenset("terhadap kepada ke pada atas soal tentang".split())
_HOSTILE_PASSIVE = frozenset("dihina dibenci dicaci dimaki dihujat dikucilkan direndahkan didiskriminasi disakiti "
                             "dilecehkan diejek dipersekusi diolok dipojokkan disudutkan diusir dibunuh dianiaya "
                             "diserang diperlakukan".split())
_LABELLING_PASSIVE = frozenset("dibilang disebut dicap dianggap dilabeli dilabel dituduh dikatakan dinilai "
                                "dikatain dikatai".split())
_DEFENDING_HEADS = frozenset({("tidak", "pantas"), ("tidak", "layak"), ("tidak", "boleh"), ("tidak", "pantes"),
                              ("tidak", "perlu"), ("tidak", "usah"), ("jangan", "sampai")})


def _reported_hate(tokens: list[str], groups: list[tuple[int, int, str, float]],
                   preds: list[tuple[int, float, bool, int]]) -> bool:
    """The hostile words are reported or answered, not said: a verb of saying or "yang <predicate>" before
    the group ("yang ngatain orang X monyet", "yang benci sama umat X") in a post with an answering word, or
    the group right after a word for an insult and "terhadap", "ke" ("hinaan ke umat X", "ancaman terhadap
    orang X"; "ancaman PKI" says the group is the threat)."""
    for start, _, _, _ in groups:
        while start and tokens[start - 1] in _GROUP_NOUNS:
            start -= 1  # "rasis ke orang berkulit gelap": the group's first noun
        if start >= 2 and tokens[start - 1] in _TOWARDS and not _ABOUT_HATE.isdisjoint(tokens[max(0, start - 4):start - 1]):
            return True  # "hinaan ke umat X", "komen jahat soal orang X"
    if _ANSWER_CUES.isdisjoint(tokens):
        return False
    for start, _, _, _ in groups:
        before = tokens[max(0, start - 4):start]
        if not _SAYING.isdisjoint(before):
            return True
        if any(p < start and p >= 1 and tokens[p - 1] == "yang" and start - p <= 4 for p, _, _, _ in preds):
            return True
    return False




def _by_first(phrases: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Phrases grouped by their first word: a post is checked only for phrases whose first word it has."""
    out: dict[str, tuple[str, ...]] = {}
    for p in phrases:
        out[p.split()[0]] = (*out.get(p.split()[0], ()), p)
    return out


_STRONG_BY_FIRST = _by_first(_STRONG_COUNTER)
_COUNTER_BY_FIRST = _by_first(_COUNTER_PHRASES)
_REJECTION_BY_FIRST = _by_first(_REJECTION)
_SLUR_TOKENS = frozenset(_SLURS) | {k[0] for k in _SLUR_PHRASES}

# Any counter-speech rule needs one of these words: most posts are ruled out by one set test.
_COUNTER_TRIGGERS = (_REPORT_VERBS | _SAYING | {_QUOTE} | {p.split()[0] for p in _SOFT_COUNTER}
                     | {p.split()[0] for p in _COUNTER_PHRASES} | {p.split()[0] for p in _REJECTION}
                     | {p.split()[0] for p in _STRONG_COUNTER})

_GLUE_PARTS = (frozenset(_PREDICATES) | frozenset(_GROUP_WORDS) | frozenset(_NAMED_AFTER_NOUN) | _GROUP_NOUNS
               | _POSITIVE | {w for k in _PHRASES for w in k if len(w) >= 4}
               | {w for k in _QUESTION_PHRASES for w in k if len(w) >= 4})


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
    """One word's split (cached: words repeat across posts; the cache is bounded and thread-safe).

    Two or three pieces, each a word that matters here, a slang word or a known word, at least one that
    matters. The vocabulary test is hashed (it says yes to some non-words), so among the candidates the
    split with the most letters in sure pieces (words that matter, slang) wins: "itu|kanker|bangsa", not
    "itukanker|bangsa"; a "known" word is split only when sure pieces cover all of it. Cost: the pieces
    that matter are found by set look-ups of the substrings (at most _MAX_PART letters long); only the
    rest of the word is tried against the vocabulary.
    """
    n = len(tok)
    best: tuple = (tok,)  # type: ignore[type-arg]
    best_score = 0
    for a in range(n - 2):
        if tok[a:a + 3] not in _PART_STARTS:
            continue
        for b in range(a + 3, min(n, a + _MAX_PART) + 1):
            part = tok[a:b]
            if part not in _GLUE_PARTS or (a == 0 and b == n):
                continue
            for before in _sides(tok[:a], known, 2 if b == n else 1):
                for after in _sides(tok[b:], known, 3 - 1 - len(before)):
                    best, best_score = _better((*before, (part, b - a), *after), best, best_score)
    if len(best) == 1 or (known(tok) and sum(sure for _, sure in best) < n):
        return (tok,)
    return tuple(w for piece, _ in best for w in piece.split())


def _sides(text: str, known: Callable[[str], bool], most: int) -> list[tuple[tuple[str, int], ...]]:
    """The ways to read `text` (beside a piece that matters) as one or, when `most` allows, two pieces."""
    if not text:
        return [()]
    out: list[tuple[tuple[str, int], ...]] = []
    if most >= 1:
        one = _piece(text, known)
        if one is not None:
            out.append((one,))
    if most >= 2:
        for cut in range(2, len(text) - 1):
            left = _piece(text[:cut], known)
            if left is not None:
                right = _piece(text[cut:], known)
                if right is not None:
                    out.append((left, right))
    return out


_MAX_PART = 20
_PART_STARTS = frozenset(w[:3] for w in _GLUE_PARTS)


def _piece(text: str, known: Callable[[str], bool]) -> tuple[str, int] | None:
    """(word, letters it surely covers) for `text` as a piece of a glued word: all of them when it is slang
    ("gw") or a word that matters, none when it is only known."""
    word = SLANG.get(text)
    if word is not None:
        return word, len(text)
    if len(text) < 3:
        return None
    if text in _GLUE_PARTS:
        return text, len(text)
    return (text, 0) if known(text) else None


def _better(pieces: tuple[tuple[str, int], ...], best: tuple, best_score: int) -> tuple[tuple, int]:  # type: ignore[type-arg]
    if not any(p in _GLUE_PARTS for p, _ in pieces):
        return best, best_score
    score = sum(sure for _, sure in pieces) * 4 - len(pieces)
    return (pieces, score) if score > best_score else (best, best_score)


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


def _insulted_object(tokens: list[str], group_pos: int) -> bool:
    """The group is the object of a verb of insulting that nobody is called to: the post is about the insult."""
    for k in range(max(0, group_pos - 2), group_pos):
        if tokens[k] in _INSULT_VERBS:
            return _INSULT_CALL.isdisjoint(tokens[max(0, k - 3):k]) and not (
                _DISAPPROVING.isdisjoint(tokens) and _HATE_TOPICS.isdisjoint(tokens) and _ANSWER_CUES.isdisjoint(tokens)
                and not any(p in " " + " ".join(tokens) + " " for p in _SOFT_COUNTER))
    return False


def _not_them(tokens: list[str], start: int, end: int) -> bool:
    """v8: "bukan orang X yang bikin kampung ini rusak": the post denies the group did it (a scapegoat refused);
    not "bukan orang X saja, semua pendatang ..." (no "yang" after the group)."""
    return start >= 1 and tokens[start - 1] == "bukan" and end + 1 < len(tokens) and tokens[end + 1] == "yang"


def _negated_denial(tokens: list[str], group_pos: int) -> bool:
    """"tidak ada yang salah dengan X", "tidak semua X ..." : the statement defends the group."""
    before = tokens[max(0, group_pos - 6):group_pos]
    if "tidak" not in before and "bukan" not in before:
        return False
    # v7: the negator must govern "semua" or "salah" ("tidak semua", "tidak ada yang salah"), not stand anywhere
    # before them: Javanese "tak pateni kabeh wong X" (I will kill them all) is normalised "tidak pateni semua ..."
    return any(a in ("tidak", "bukan") and b == "semua" for a, b in zip(before, before[1:])) or any(
        t in ("salah", "masalah") and "tidak" in before[max(0, k - 3):k] for k, t in enumerate(before))


def _join_split_words(tokens: list[str]) -> list[str]:
    """Join a word written in two pieces when the pieces make a predicate: "di bunuh", "ben ci", "sam pah"."""
    if _JOIN_HEADS.isdisjoint(tokens):
        return tokens
    out: list[str] = []
    i, n = 0, len(tokens)
    while i < n:
        tok = tokens[i]
        if i + 1 < n and tok in _JOIN_HEADS and tok not in _PREDICATES and tok + tokens[i + 1] in _JOINABLE:
            out.append(tok + tokens[i + 1])
            i += 2
            continue
        out.append(tok)
        i += 1
    return out


def _correct_typos(tokens: list[str], near: set[int], known: Callable[[str], bool]) -> list[str]:
    """Near a group, an unknown word one typo from a predicate word is read as that word ("bneci", "sampha")."""
    out = tokens
    for j in sorted(near):
        tok = tokens[j]
        if tok in _LEXICON or len(tok) < 4 or known(tok):
            continue
        word = _fuzzy(tok, _FUZZY_PREDICATES)
        if word is not None and _typo_of(tok, word):
            if out is tokens:
                out = list(tokens)
            out[j] = word
    return out


# Insinuation by framing, without a hostile word: blame for a decline ("kompleks ini dulu aman sebelum
# orang X pindah"), a warning ("jangan sampai ketipu, apalagi sama orang X"), a preference against
# ("mending kosong daripada disewa orang X").
_SINCE = frozenset("sebelum sejak semenjak gara ulah akibat setelah dikuasai kedatangan datangnya masuknya".split())
_DECLINE = frozenset("rusak kacau rawan kumuh kotor berantakan hancur ribut kriminal maling rusuh jorok bau "
                     "mundur tertinggal semrawut amburadul kriminalitas kehilangan hilang".split())
# Between "sejak" and the group: "sejak banyak orang X di sini", "semenjak para pendatang datang".
_SINCE_FILLERS = frozenset("banyak ada para makin semakin".split())
# A wink at what "everybody knows" about the group named: "lu ngerti lah maksud gue", "udah paham lah ya",
# "tau sendiri", "jaga anak gadis kalau tetangganya orang X", "aku nggak rasis, cuma ...".
_WINKS = tuple(f" {p} " for p in (
    "paham kenapa", "kalian paham", "sudah paham", "mengerti maksud", "paham maksud", "tahu sendiri",
    "mengerti sendiri", "paham sendiri", "tahu ya", "you know", "kasihan keturunannya", "kasihan anaknya nanti",
    "jaga anak", "jaga anak gadis", "jaga anak perawan", "jaga istri", "ya bagaimana", "mau bagaimana lagi",
    "tidak rasis tapi", "tidak rasis hanya", "tidak rasis tetapi", "bukan rasis tapi", "bukan rasis hanya",
    "bukan rasis tetapi", "no offense", "bukan mau rasis", "bukan bermaksud rasis", "maaf bukan rasis",
    # v4
    "ketebak", "tebak siapa", "bisa ditebak", "sudah ditebak", "ikhlaskan saja", "ikhlasin saja", "turut berduka",
    "lihat saja siapa", "lihat siapa yang", "bukan sara tapi", "bukan sara tetapi", "tapi fakta", "tetapi fakta",
    # v5
    "bukan bermaksud menggeneralisasi", "bukan maksud menggeneralisasi", "bukan maksud sara", "bukan bermaksud sara",
    "begitulah jadinya", "jadinya begitu", "pengalaman saja",
    # v7: what "everybody knows"
    "rahasia umum", "bukan rahasia", "semua orang tahu", "semua orang juga tahu"))
# Exclusion by a negator right before the group where people hire, rent, sell or marry: "dicari karyawan:
# jujur, rajin, bukan orang X", "cari jodoh siapa saja asal jangan orang X".
_EXCLUDING = frozenset("bukan jangan kecuali".split())
_MATCHMAKING = frozenset("jodoh menantu mantu pacar pelamar pembeli penyewa mengutamakan diutamakan".split())
_WINKS_BY_FIRST = _by_first(_WINKS)
_WAS_GOOD = frozenset("aman tenang damai nyaman bersih tertib".split())  # "dulu aman sebelum X datang"
_ESPECIALLY = frozenset("apalagi terutama khususnya".split())
_WARNING = frozenset("ketipu ditipu tertipu dibohongi dibohongin dikibuli dikibulin dicurangi dicopet dirampok dicuri "
                     "kecurian kemalingan waspada hati awas rugi".split())
_FOR = frozenset("buat untuk bagi demi".split())  # "hati-hati, apalagi buat kaum perempuan": protective
_RATHER = frozenset("mending mendingan lebih baik bagus milih".split())


def _has_wink(tokens: list[str]) -> bool:
    """A wink anywhere in the post, looked for once per post and only by phrases whose first word it has."""
    firsts = _WINKS_BY_FIRST.keys() & set(tokens)
    if not firsts:
        return False
    joined = " " + " ".join(tokens) + " "
    return any(p in joined for w in firsts for p in _WINKS_BY_FIRST[w])


def _insinuation(tokens: list[str], start: int, cat: str, wink: bool = False) -> float:
    before = tokens[max(0, start - 3):start]
    since = tokens[max(0, start - 2):start]
    if since and since[-1] in _SINCE_FILLERS:
        since = tokens[max(0, start - 3):start - 1]
    if not _SINCE.isdisjoint(since) and (
            not _DECLINE.isdisjoint(tokens) or ("sebelum" in before and not _WAS_GOOD.isdisjoint(tokens[:start]))
            or _worse_after(tokens, start)):
        return 0.6
    if wink and not _praised(tokens, start, start + 10):
        return 0.6  # v7: not "tahu sendiri lah kalau orang X main bola, larinya kencang"
    excluded = (start >= 1 and tokens[start - 1] in _EXCLUDING) or tokens[max(0, start - 2):start] == ["tidak", "menerima"]
    if excluded and not (_EXCLUSION_CONTEXT.isdisjoint(tokens) and _MATCHMAKING.isdisjoint(tokens)):
        return 0.65  # "dicari karyawan: jujur, rajin, bukan orang X"; "kontrakan ... tidak menerima orang X"
    if start >= 2 and tokens[start - 2:start] == ["tidak", "ada"] and not _WAS_GOOD.isdisjoint(tokens[:start]):
        return 0.6  # "motor aman, dompet aman, soalnya di sini tidak ada orang X"
    if not _ESPECIALLY.isdisjoint(before) and _FOR.isdisjoint(before) and not _WARNING.isdisjoint(tokens[:start]):
        return 0.6
    if cat != "other" and "daripada" in before and not _RATHER.isdisjoint(tokens[:start]):
        return 0.55
    return 0.0


_GOOD_STATES = _WAS_GOOD | {"enak", "kondusif"}


def _worse_after(tokens: list[str], start: int) -> bool:
    """After the group, a good state denied: "... jadi nggak aman", "suasananya jadi tidak enak"."""
    after = tokens[start:start + 12]
    return any(a == "tidak" and b in _GOOD_STATES for a, b in zip(after, after[1:]))


def _typo_of(tok: str, word: str) -> bool:
    """`tok` is `word` with one letter missing, one doubled, or two neighbours swapped, and its first letter
    kept: the slips of typing. A changed letter is left out: "corak", "kuman", "muram" are words of their own."""
    if tok[0] != word[0]:
        return False
    if len(tok) == len(word) - 1:
        if len(tok) < 5 and tok[-1] != word[-1]:
            return False  # "kada", "masu" are words (or clipped ones), not "kadal", "masuk"
        return any(word[:i] + word[i + 1:] == tok for i in range(len(word)))
    if len(tok) == len(word) + 1:  # an extra letter: only a doubled one ("sammpah"); "marduk" is not "maruk"
        return any(tok[:i] + tok[i + 1:] == word and tok[i] in (tok[i - 1], tok[i + 1:i + 2]) for i in range(1, len(tok)))
    if len(tok) == len(word):
        diff = [i for i in range(len(tok)) if tok[i] != word[i]]
        return len(diff) == 2 and diff[1] == diff[0] + 1 and tok[diff[0]] == word[diff[1]] and tok[diff[1]] == word[diff[0]]
    return False


def _slur_hits(tokens: list[str]) -> list[tuple[int, str]]:
    """(position, category) of each slur used outright ("ada cokin baru pindah"), not negated."""
    if _SLUR_TOKENS.isdisjoint(tokens):
        return []
    hits = [(i, _SLURS[t]) for i, t in enumerate(tokens) if t in _SLURS]
    hits += [(i, cat) for i in range(len(tokens) - 1) for key, cat in _SLUR_PHRASES.items()
             if tokens[i] == key[0] and tokens[i + 1] == key[1]]
    return [(i, c) for i, c in hits if not _is_negated(tokens, i) and not (i and tokens[i - 1] in _PLACE_BEFORE)]


_CONTRAST = frozenset("tapi tetapi namun tetap harus saja ayo yuk aku gue saya kami bodo".split())
_SENTENCE_ENDS = frozenset("? !".split())


def _authorities_stopping(tokens: list[str], paired: set[int]) -> bool:
    """Authorities stop or seize, and the hostile words follow in the same clause: "polisi membubarkan massa yang
    hendak menyerang permukiman orang X". Not "biar polisi menangkap gue, orang X tetap harus dibunuh"."""
    if _AUTHORITIES.isdisjoint(tokens) or _STOPPING.isdisjoint(tokens):
        return False
    stops = [k for k, t in enumerate(tokens) if t in _STOPPING]
    for p in paired:
        if p < 0:
            return False  # an insinuation about the group itself
        if not any(k < p <= k + 8 and _CONTRAST.isdisjoint(tokens[k + 1:p]) for k in stops):
            return False
    return True


def _denial(tokens: list[str], paired: set[int]) -> bool:
    """A denial phrase, and no hostile word paired after the end of its sentence."""
    joined = " " + " ".join(tokens) + " "
    found = [joined.index(p) for p in _DENIALS if p in joined]
    if not found:
        return False
    at = len(joined[:min(found)].split())  # the token where the first denial starts
    ends = [k for k, t in enumerate(tokens) if t in _SENTENCE_ENDS and k > at]
    return not ends or all(p < ends[0] for p in paired if p >= 0)


def _strong_counter(tokens: list[str]) -> bool:
    """A stock answer to hate ("jangan rasis", "itu ujaran kebencian", "stop SARA") anywhere in the post."""
    firsts = _STRONG_BY_FIRST.keys() & set(tokens)
    if not firsts:
        return False
    joined = " " + " ".join(tokens) + " "
    return any(p in joined for w in firsts for p in _STRONG_BY_FIRST[w])


# --- v7: stereotype frames (implicit derogation without an insult word) -------------------------------------------
# A stereotype is a trait said to come with the group: "orang X itu kalau dagang pasti ada akal-akalannya", "kalau
# ada X yang sukses pasti ada yang beking", "daerah yang dipimpin X selalu lebih kumuh". The frame is a word of
# certainty or habit after the group, then misconduct; or an inherited trait ("sudah mendarah daging", "darah X"),
# a warning that ends in regret ("jangan nikah sama X, nanti nyesel"), a precaution the group's presence calls for
# ("tetangga baru orang X, jadi motor digembok"), a call to cut their numbers ("jumlah X harus dibatasi"), control
# or infiltration said of them ("diam-diam X menguasai ..."), "jangan kaget kalau ..." with a loss, "asal bukan X".
# Each needs the misconduct, the loss or the exclusion in the post: "orang X kalau masak pasti enak" is praise.
# Fondness and frequency: only with misconduct the group does ("suka nyogok"), not suffers ("sering ditipu").
_FONDNESS = frozenset("suka hobi hobinya doyan gemar demen sering kerap terbiasa biasa".split())
_HABITUAL = frozenset("pasti pastinya mesti selalu dijamin pokoknya ujungnya ujung biasanya kebanyakan".split())
# Misconduct a stereotype insinuates, none of them an insult word of their own (those are predicates already).
_MISCONDUCT = frozenset(
    "akal akalan akalannya akalin ngakalin mengakali bulus maunya udang udangnya modus modusnya curang kecurangan "
    "nyontek menyontek contek contekan mencontek nyogok menyogok sogok sogokan suap nyuap menyuap disuap titipan "
    "beking bekingan backing backingan dibekingi belakangnya kongkalikong nepotisme kkn korupsi mark markup "
    "ngemplang kabur ngilang menghilang ingkar bohong boong bohongin dibohongi menipu tipu ditipu tertipu kibul "
    "dikibulin mencuri curi dicuri kecurian kemalingan hilang ilang raib ribut onar rusuh berantem tawuran mabuk "
    "mabok judi dukun santet pelet jatah pungli ngutang utang hutang ngaret jorok "
    "berantakan kumuh semrawut amburadul kacau ambruk bangkrut menyusahkan nyusahin seenaknya semaunya semena "
    "memaksa maksa".split())
# "pasti lewat jalur khusus", "pasti ada orang dalam", "pasti ada apa apanya"
_MISCONDUCT_PAIRS = frozenset({("jalur", "khusus"), ("jalur", "belakang"), ("orang", "dalam"), ("apa", "apanya"),
                               ("main", "belakang"), ("bayar", "dulu"), ("tidak", "bayar"), ("tidak", "dibayar"),
                               ("tidak", "lunas"), ("tidak", "beres"), ("tidak", "aman"), ("tidak", "jujur"),
                               ("tidak", "balik"), ("tidak", "kembali"), ("tidak", "dikembalikan"),
                               ("tidak", "dibalikin")})
# Inherited traits: the failing is in the blood ("sudah mendarah daging", "darah X", "turun temurun").
_HEREDITY = frozenset({("mendarah", "daging"), ("turun", "temurun"), ("dari", "sononya"), ("dari", "sananya"),
                       ("bawaan", "lahir"), ("sudah", "bawaan"), ("sudah", "darah"), ("darah", "daging"),
                       ("sudah", "gen"), ("faktor", "gen"), ("sudah", "genetik"), ("dari", "lahir"),
                       ("sudah", "tabiat"), ("sudah", "watak")})
_HEREDITY_WORDS = frozenset("tabiat tabiatnya watak wataknya genetik genetiknya".split())
# A warning that ends in regret: "jangan ... X, nanti nyesel"; what one is warned off is dealing with them.
_CONSEQUENCE = frozenset("nanti ntar entar nantinya ujungnya bisa kena beko mengko".split())
_REGRET = frozenset("menyesal nyesel nyesal manyasal manyasa nyeselnya rugi sengsara rekoso susah repot sial celaka "
                    "ditipu dibohongi tertipu tipu hilang bangkrut hancur menderita dikibulin ketularan "
                    "tertular".split())
_DEALINGS = _AVOID_NEXT | frozenset(
    "sewa disewakan sewakan sewain disewain disewoan jual dijual jualan pinjam pinjamkan pinjemin minjemin utangi "
    "kasih percaya dagang berdagang bisnis berbisnis pacaran pacaran macarin nikahi menikahi kawini bakawin rabi "
    "menantu mantu minantu ambil ambiak rekrut kongsi patungan kos ngekos kontrak kontrakan titip nitip".split())
# Respect warnings are not avoidance: "jangan remehkan orang X, nanti nyesel".
_RESPECTED = frozenset("remehkan meremehkan remehin sepelekan menyepelekan diremehkan ganggu mengganggu usik mengusik "
                       "lawan melawan macam sakiti menyakiti musuhi memusuhi tantang menantang hina menghina".split())
# Precautions the group's presence is said to call for: locks, and guarding what is worth stealing.
_LOCKS = frozenset("gembok digembok gembokin dikunci kunciin dikunciin gerendel digerendel".split())
_GUARD = frozenset("cek ngecek mengecek periksa jaga jagain dijagain dijaga awasi awasin diawasi amankan amanin "
                   "diamankan umpetin diumpetin "
                   "sembunyikan disembunyikan simpan masuk masukin dimasukin dimasukkan angkat diangkat pegang "
                   "hitung ngitung dihitung".split())
_VALUABLES = frozenset("dompet motor jemuran barang barangnya tas hp ponsel perhiasan emas sandal sendal helm uang "
                       "duit "
                       "lemari kembalian kembaliannya laptop sepeda ayam kambing".split())
_SO = frozenset("jadi makanya mulai langsung terpaksa mending sekarang harus mesti buruan".split())
# A call to cut a group's numbers: "jumlah X harus dibatasi", "kurangi populasi X".
_NUMBERS = frozenset("jumlah populasi jumlahnya kelahiran".split())
_CUT = frozenset("dikurangi dikurangin kurangi kurangin dibatasi batasi dibatasin ditekan dipangkas pangkas "
                 "dibendung bendung dikendalikan kendalikan dicegah".split())
# Control and infiltration said of a group, with a mark of scheming ("diam-diam X menguasai ...").
_CONTROL = frozenset("menguasai kuasai dikuasai nguasain dikuasain menyusup menyusupi disusupi susupi infiltrasi "
                     "menginfiltrasi merebut mencaplok mengambil ambil alih mendominasi didominasi menjajah dijajah "
                     "mengendalikan dikendalikan menyetir disetir kristenisasi islamisasi arabisasi jawanisasi "
                     "pemurtadan "
                     "memurtadkan dimurtadkan".split())
_SCHEMING = frozenset({("diam", "diam"), ("pelan", "pelan"), ("lama", "lama"), ("sedikit", "demi"),
                       ("agenda", "tersembunyi"), ("misi", "terselubung"), ("agenda", "terselubung"),
                       ("jangan", "biarkan"), ("jangan", "sampai"), ("mau", "menguasai"), ("ingin", "menguasai"),
                       ("hati", "hati"), ("sudah", "mulai"), ("mulai", "menguasai"), ("mulai", "menyusup")})
_SCHEMING_WORDS = frozenset("terselubung tersembunyi agenda waspada waspadai awas bahaya ancaman".split())
# "jangan kaget kalau ...", "tidak usah heran kalau ...": what follows is what the group is said to bring.
_NO_SURPRISE = frozenset({("jangan", "kaget"), ("jangan", "heran"), ("usah", "kaget"), ("usah", "heran"),
                          ("perlu", "kaget"), ("perlu", "heran"), ("wajar", "kalau"), ("wajar", "jika"),
                          ("pantas", "kalau"), ("pantes", "kalau"), ("pantes", "saja"), ("maklum", "kalau")})
# Only-not: "siapa saja boleh, asal bukan X", "yang penting jangan X".
_ONLY_NOT = frozenset({("asal", "bukan"), ("asal", "jangan"), ("asalkan", "bukan"), ("asalkan", "jangan"),
                       ("penting", "bukan"), ("penting", "jangan"), ("pokoknya", "bukan"), ("pokoknya", "jangan"),
                       ("asal", "tidak"), ("penting", "tidak")})
_WORSENING = frozenset("rusak kacau rawan kumuh kotor berantakan hancur ribut rusuh jorok semrawut amburadul kriminal "
                       "kriminalitas maling bau".split())
_ROLE = frozenset("jadi dipercaya dikasih diberi dipilih mimpin memimpin pimpin menjabat nyalon".split())
_HOPE_WORDS = frozenset("semoga moga mudahan".split())  # ... then a negator: "semoga anakku tidak dapat jodoh X"
_HOPE = frozenset({("amit", "amit"), ("jangan", "sampai")})
_WHAT_FOR = frozenset({("buat", "apa"), ("untuk", "apa"), ("apa", "gunanya")})
_GIVING = frozenset("kasih kasi beri memberi berikan terima menerima rekrut merekrut angkat mengangkat pilih memilih "
                    "sekolahin sekolahkan beasiswa bantuan jabatan kerjaan pekerjaan gaji modal".split())
_EACH_TIME = frozenset({("setiap", "kali"), ("tiap", "kali"), ("kalau", "ada"), ("setiap", "ada"), ("tiap", "ada"),
                        ("begitu", "ada"), ("asal", "ada"), ("kalo", "ada"), ("jika", "ada")})
_BUT = frozenset("tapi tetapi asal asalkan kecuali penting".split())
# Praise after a frame: "namanya juga orang X, masakannya pasti enak".
_PRAISE = _POSITIVE | frozenset(
    "enak lezat hebat jago mantap keren juara sukses berhasil merdu cantik ganteng kuat tangguh ulet gigih kompak rukun "
    "solid ramai meriah semangat bangga lembut halus sabar pekerja dermawan rajin hemat teliti cepat kencang pandai "
    "mahir terampil ahli berbakat ulung handal andal terkenal dikenal".split())


def _pairs(seq: list[str]) -> set[tuple[str, str]]:
    return set(zip(seq, seq[1:]))


def _misconduct_at(tokens: list[str], lo: int, hi: int) -> int | None:
    """The first word of misconduct in tokens[lo:hi] that no negator just before denies."""
    for k in range(max(0, lo), min(len(tokens), hi)):
        t = tokens[k]
        if k + 1 < len(tokens) and (t, tokens[k + 1]) in _MISCONDUCT_PAIRS:
            return k
        if t in _MISCONDUCT and not (k and tokens[k - 1] in _NEGATORS):
            return k
    return None


def _camp(tokens: list[str], start: int, end: int) -> bool:
    return tokens[start] in _CAMP_NOUNS or tokens[end] in _CAMP_LABELS or tokens[end] in _CAMP_OBJECTS


def _stereotype(tokens: list[str], start: int, end: int) -> float:
    """Evidence of a stereotype frame about the group at tokens[start:end + 1] (v7)."""
    if _camp(tokens, start, end):
        return 0.0  # political camps: "pendukung 01 pasti kecewa" is election talk
    n = len(tokens)
    stop = next((k for k in range(end + 1, n) if tokens[k] in _SENTENCE_ENDS), n)
    before = tokens[max(0, start - 8):start]
    # a word of certainty or habit after the group, then misconduct: "orang X kalau dagang pasti ada akal-akalannya"
    for k in range(end + 1, min(n, end + 12)):
        if tokens[k] in _HABITUAL and tokens[k - 1] not in _NEGATORS and tokens[k - 1] != "belum":
            if _misconduct_at(tokens, k + 1, k + 7) is not None:
                return 0.6
        if tokens[k] in _FONDNESS and tokens[k - 1] not in _NEGATORS:
            m = _misconduct_at(tokens, k + 1, k + 4)
            if m is not None and not tokens[m].startswith(("di", "ter", "ke")):
                return 0.6  # "pengusaha X suka nyogok"; not "warga X sering ditipu"
    # ... or the frame first and the group after it: "pasti ada akal-akalannya kalau yang pegang orang X"
    for k in range(max(0, start - 9), start):
        if tokens[k] in _HABITUAL and (not k or tokens[k - 1] not in _NEGATORS):
            m = _misconduct_at(tokens, k + 1, k + 6)
            if m is not None and m < start:
                return 0.6
    # an inherited failing: "pelitnya sudah turun temurun, darah X"
    window = tokens[max(0, start - 8):min(n, end + 9)]
    if (not _HEREDITY.isdisjoint(_pairs(window)) or not _HEREDITY_WORDS.isdisjoint(window)
            or (start and tokens[start - 1] == "darah")):
        if any((t in _ATTRIBUTES or _affixed(t) or t in _MISCONDUCT) and _NEGATORS.isdisjoint(window[max(0, k - 2):k])
               for k, t in enumerate(window)):
            return 0.6  # not "orang X tidak pelit, sudah turun temurun"
        if _PRAISE.isdisjoint(window) and not any(t in _ATTRIBUTES or t in _MISCONDUCT for t in window) and (
                "tabiat" in window or "tabiatnya" in window or not _HEREDITY.isdisjoint(_pairs(window))):
            return 0.55  # "sudah tabiatnya orang X", "watak keras orang X turun temurun": a trait named to blame
    # a warning that ends in regret: "jangan nikah sama orang X, nanti nyesel"
    if "jangan" in before[-7:]:
        j = len(before) - 1 - before[::-1].index("jangan")
        between = before[j + 1:]
        if _RESPECTED.isdisjoint(between) and not _DEALINGS.isdisjoint(between):
            for k in range(end + 1, min(n, end + 6)):
                if tokens[k] in _CONSEQUENCE and (not _REGRET.isdisjoint(tokens[k + 1:k + 5])
                                                  or _misconduct_at(tokens, k + 1, k + 5) is not None):
                    return 0.6
    # a precaution the group's presence calls for: "tetangga baru orang X, jadi motor digembok"
    rest = tokens[end + 1:min(stop + 8, n, end + 16)]
    if not _SO.isdisjoint(rest[:8]):
        if not _LOCKS.isdisjoint(rest):
            return 0.6
        for k, t in enumerate(rest):
            if t in _GUARD and not _VALUABLES.isdisjoint(rest[max(0, k - 4):k + 4]):
                return 0.6
    # a call to cut their numbers: "jumlah X harus dibatasi", "batasi populasi X"
    if not _NUMBERS.isdisjoint(tokens[max(0, start - 2):start]):
        if not _CUT.isdisjoint(tokens[max(0, start - 4):start]):
            return 0.65
        for k in range(end + 1, min(n, end + 6)):
            if tokens[k] == "yang":
                break  # "jumlah penyandang disabilitas yang menganggur harus ditekan"
            if tokens[k] in _CUT:
                return 0.65
    # control or infiltration with a mark of scheming: "diam diam orang X menguasai tanah di sini"
    ctl = [k for k in range(max(0, start - 4), min(n, end + 8)) if tokens[k] in _CONTROL]
    if ctl:
        scope = tokens[max(0, start - 8):min(stop, end + 12)]
        if not _SCHEMING.isdisjoint(_pairs(scope)) or not _SCHEMING_WORDS.isdisjoint(scope):
            if "tidak" not in tokens[max(0, ctl[0] - 2):ctl[0]]:
                return 0.6
    # "jangan kaget kalau dompet hilang, tetangganya orang X"
    whole = tokens[max(0, start - 14):min(n, end + 14)]
    if not _NO_SURPRISE.isdisjoint(_pairs(whole)) and _misconduct_at(whole, 0, len(whole)) is not None:
        return 0.6
    # each time the group is there, misconduct follows: "setiap kali orang X dapat proyek, jembatannya ambruk"
    if not _EACH_TIME.isdisjoint(_pairs(tokens[max(0, start - 3):start])):
        m = _misconduct_at(tokens, end + 1, min(stop, end + 13))
        if m is not None and not tokens[m].startswith(("di", "ter", "ke")):
            return 0.6
    # anyone will do but the group: "pacaran sama siapa saja boleh, tapi kalau sama orang X ..."
    if "siapa" in tokens[max(0, start - 14):start]:
        near = tokens[max(0, start - 4):start]
        if not _BUT.isdisjoint(near) and ("jangan" in near or "bukan" in near or (
                "boleh" in tokens[max(0, start - 14):start] and ("kalau" in near or "kalo" in near))):
            return 0.6  # not "siapa pun yang menang, tapi kalau warga X tetap miskin, percuma"
    # allowed, but kept away: "boleh temenan sama orang X, tapi jangan dibawa ke rumah"
    if "boleh" in before and not _DEALINGS.isdisjoint(before) \
            and tokens[end + 1:end + 3] in (["tapi", "jangan"], ["tetapi", "jangan"]) \
            and not (tokens[end + 3:end + 4] and (tokens[end + 3] == "lupa" or tokens[end + 3] in _INSULT_VERBS
                                                   or tokens[end + 3] in _RESPECTED)):
        return 0.6  # not "boleh kritik orang X, tapi jangan menghina"
    # the more of them, the worse: "makin banyak orang X di sini, makin rawan"
    if start >= 2 and tokens[start - 1] == "banyak" and tokens[start - 2] in ("makin", "semakin", "tambah", "kian"):
        if not _WORSENING.isdisjoint(tokens[end + 1:min(stop, end + 9)]):
            return 0.6
    # disbelief at the group in a role: "perempuan kok jadi pemimpin", "orang X kok dikasih jabatan"
    if tokens[end + 1:end + 2] == ["kok"] and not _ROLE.isdisjoint(tokens[end + 2:end + 4]) \
            and not _praised(tokens, end + 1, min(n, end + 10)):
        return 0.55
    # a wish to be spared them as family: "semoga anakku tidak dapat jodoh orang X"
    hope = tokens[max(0, start - 7):start]
    wished = [k for k, t in enumerate(hope) if t in _HOPE_WORDS]
    if ((wished and not _NEGATORS.isdisjoint(hope[wished[0] + 1:])) or not _HOPE.isdisjoint(_pairs(hope))) \
            and not _MATCHMAKING.isdisjoint(tokens[max(0, start - 5):min(n, end + 4)]):
        return 0.6
    # what is the use of giving them anything: "buat apa kasih beasiswa ke anak X", "ngapain terima pegawai X"
    why = tokens[max(0, start - 7):start]
    if ("ngapain" in why or not _WHAT_FOR.isdisjoint(_pairs(why))) and not _GIVING.isdisjoint(why):
        return 0.6
    # only-not: "siapa saja boleh, asal bukan orang X"
    if start >= 2 and (tokens[start - 2], tokens[start - 1]) in _ONLY_NOT:
        return 0.6
    if start >= 3 and (tokens[start - 3], tokens[start - 2]) in _ONLY_NOT \
            and tokens[start - 1] in ("sama", "dengan", "dari", "orang"):
        return 0.6
    # a group-free place: "lingkungan bebas orang X"
    if start and tokens[start - 1] == "bebas":
        return 0.6
    return 0.0


# v7: a threat verb further after the group is still aimed at it when the attack is planned or wished, in the
# same sentence: "malam ini warga X di gang kami bakal gue tebas", "bagusnya orang X dikirim ke pulau terpencil
# dan dibiarkan mati di sana".
_PLANS = _CALLS | frozenset("aku kami kita saya gue bagusnya baiknya sebaiknya mending mendingan".split())
_THREAT_REACH = 10


def _planned(tokens: list[str], start: int, end: int, ppos: int) -> bool:
    if ppos > end + _THREAT_REACH or not _SENTENCE_ENDS.isdisjoint(tokens[end + 1:ppos]):
        return False
    return not (_PLANS.isdisjoint(tokens[max(end + 1, ppos - 3):ppos])
                and _PLANS.isdisjoint(tokens[max(0, start - 3):start]))


def _frames_sentence(tokens: list[str], i: int) -> bool:
    """A framing phrase ("namanya juga", "pantes saja") starts at i, not a denied virtue."""
    return tuple(tokens[i:i + 2]) in _INSINUATIONS or tokens[i] == "pantesan"


def _praised(tokens: list[str], lo: int, hi: int) -> bool:
    """Praise, not denied, and no misconduct in tokens[lo:hi]: "namanya juga orang X, suaranya memang bagus"."""
    span = tokens[max(0, lo):hi]
    if _misconduct_at(span, 0, len(span)) is not None or any(t in _PREDICATES or t in _NEGATORS for t in span):
        return False
    if "padahal" in span or "tapi" in span:
        return False  # "... padahal badannya sehat sehat": a sneer
    return any(t in _PRAISE and not (k and span[k - 1] in _NEGATORS) for k, t in enumerate(span))


def group_evidence(normalized: str, known: Callable[[str], bool] | None = None) -> GroupEvidence:
    """Hate and threat evidence against a group in one normalised post.

    `known(word)`: whether a word is an ordinary known word (the scorer passes the fast tier's
    vocabulary test); only unknown words near a group are tried as typos of a predicate.
    A post counts as counter-speech only when it has no hostile group + predicate pair of its own
    outside quotation marks ("Ahmadiyah sesat, tidak ada tempat bagi mereka" is hate, not a defence),
    or when it answers hate with a stock rejection ("yang bilang orang X sampah itu rasis"): then
    its hate is damped by the scorer and its threat is dropped.
    """
    if not normalized:
        return _NONE
    tokens = normalized.split()
    if "halak" in tokens or "oreng" in tokens or "madhura" in tokens or "bangso" in tokens:
        # regional words that make a group: Batak "halak", Madurese "oreng" ("orang"), "Madhura"
        tokens = [_REGIONAL.get(t, t) if t in _GROUP_MAKING else t for t in tokens]
    if known is not None:
        tokens = _unglue(tokens, known)
    groups = _groups(tokens)
    if not groups:
        return GroupEvidence(0.0, 0.0, None, _counter_speech(tokens, False), not _CONDUCT_GROUPS.isdisjoint(tokens))
    # only posts that name a group pay for the regional words and the particles (most posts name none)
    read = canonical([_REGIONAL.get(t, t) for t in tokens if t not in _PARTICLES])
    if "ulah" in read:  # v7: Sundanese "ulah" (do not) before an insult verb; elsewhere Indonesian "ulah" (misdeed)
        read = ["jangan" if t == "ulah" and read[k + 1:k + 2] and read[k + 1] in _INSULT_VERBS else t
                for k, t in enumerate(read)]
    if read != tokens:
        tokens = read
        groups = _groups(tokens)
    joined = _join_split_words(tokens)
    if len(joined) != len(tokens):
        tokens = joined
        groups = _groups(tokens)
    own = _outside_quotes(tokens) if tokens.count(_QUOTE) >= 2 else tokens
    own_groups = _groups(own) if own is not tokens else groups
    near = {j for start, end, _, _ in own_groups
            for j in range(max(0, start - _WINDOW_BEFORE - _FEELING_REACH), min(len(own), end + _WINDOW_AFTER + 1))}
    if known is not None:
        own = _correct_typos(own, near, known)
    preds, negated = _predicates(own, near, known)
    stances = negated_stances(own)  # v8: "gue sama sekali gak anti orang X", "yakali gue benci orang X"
    if stances:
        preds = [p for p in preds if p[0] not in stances]
        negated = negated + stances
    no_spans = answered_no(own) if "?" in own else []  # v8: "Gue? Benci orang X? Kagak lah"
    best_hate, best_threat, best_cat = 0.0, 0.0, None
    defended = False
    paired: set[int] = set()
    for start, end, cat, cert in own_groups:
        if _negated_denial(own, start) or _insulted_object(own, start) or _not_them(own, start, end):
            defended = True
            continue
        lo, hi = start - _WINDOW_BEFORE, end + _WINDOW_AFTER
        defended |= any(lo <= n <= hi for n in negated)
        for ppos, w, threat, kind in preds:
            if start <= ppos <= end or ppos < lo - _REACH[kind]:
                continue
            if ppos > hi and not (threat and _planned(own, start, end, ppos)):
                continue  # v7: a planned attack reaches further: "warga X di gang kami bakal gue tebas"
            if ppos > end and kind == _FEELING and not any(t in _CAUSATIVE for t in own[max(end + 1, ppos - 3):ppos]) \
                    and _PERCEIVE.isdisjoint(own[max(0, start - 2):start]):
                continue  # "warga X kesal": the group feels it, it is not the target; "X bikin aku muak" is
            if kind == _INSINUATION and _frames_sentence(own, ppos) \
                    and _praised(own, ppos, min(len(own), max(ppos, end) + 8)):
                continue  # v7: "namanya juga orang X, suaranya memang bagus"
            h = w * cert
            paired.add(ppos)
            if h > best_hate:
                best_hate, best_cat = h, cat
            if threat and h > best_threat:
                best_threat = h
    wink = _has_wink(own)
    # stereotype frames read through scare quotes: "pasti lewat 'jalur khusus' lah"
    frame = [t for t in tokens if t != _QUOTE] if own is not tokens else own
    frame_groups = _groups(frame) if frame is not own else own_groups
    for start, _, cat, cert in own_groups:
        w = _insinuation(own, start, cat, wink)
        if w * cert > best_hate:
            best_hate, best_cat = w * cert, cat
            paired.add(-1 - start)
    if own_groups:
        for start, end, cat, cert in frame_groups:
            w = _stereotype(frame, start, end)
            if w * cert > best_hate:
                best_hate, best_cat = w * cert, cat
                paired.add(-1 - start)
    for _, cat in _slur_hits(own):
        if _SLUR_WEIGHT > best_hate:
            best_hate, best_cat = _SLUR_WEIGHT, cat
    if best_hate and _authorities_stopping(own, paired):
        return GroupEvidence(0.0, 0.0, best_cat, True)  # authorities stopping an attack: news, not a threat
    if best_hate:
        # an answer to hate repeats one hostile word; a post that piles up several is hate itself
        if len(paired) < 2 and (_strong_counter(tokens) or _reported_hate(own, own_groups, preds)
                                or (not best_threat and _denial(own, paired))):
            return GroupEvidence(round(best_hate, 6), 0.0, best_cat, True)
        # v8: every hostile word inside a claim the post denies, or inside a question it answers "no"
        if not best_threat and (claim_denied(own, paired, [g[0] for g in own_groups]) or (
                paired and all(p >= 0 and any(s <= p <= e for s, e in no_spans) for p in paired))):
            return GroupEvidence(round(best_hate, 6), 0.0, best_cat, True)
        return GroupEvidence(round(best_hate, 6), round(best_threat, 6), best_cat, False)
    defended = defended or any(s <= g <= e for s, e in no_spans for g, _, _, _ in own_groups)
    if defended or _counter_speech(tokens, True) or _strong_counter(tokens) or _reported_hate(own, own_groups, []) \
            or _denial(own, set()):
        # a group whose only predicates are negated ("orang X bukan sampah"), or counter-speech
        return GroupEvidence(0.0, 0.0, groups[0][2], True)
    return GroupEvidence(0.0, 0.0, None, False)
