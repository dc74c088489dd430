"""Word lists that steer the sentence splitter in `segmentation.py`, keyed by language.

Pure data, written by hand. Abbreviations are written as they appear before their final full
stop, so "e.g." is stored as "e.g" and "Mr." as "Mr". Matching is case-sensitive before a
capitalised word or a number: "No. 5" and "Art. 3" are abbreviations, while "I said no. The"
ends a sentence. Before a word in lower case any case counts ("5th st. near"), except for the
number abbreviations, which are ordinary words there ("I said no. it was").

- `ABBREVIATIONS`: never end a sentence when followed by a capitalised word or a number
  (titles, "No.", months, "e.g.").
- `NUMBER_ABBREVIATIONS`: those of `ABBREVIATIONS` that stand before a number ("No. 5",
  "p. 12"); before a usual sentence starter they end the sentence ("I said no. The …").
- `FINAL_ABBREVIATIONS`: may end a sentence ("etc.", "Inc.", "U.S."); the splitter ends the
  sentence only when the next word is one of `SENTENCE_STARTERS`.
- `SENTENCE_STARTERS`: capitalised words that usually open a sentence.
- `CONTINUATION_WORDS`: a line ending with one of these is a lead-in ("…, including"), never a
  heading.
- `MONTHS`: month names, for lone date lines and German ordinals ("am 3. Oktober").
- `TITLES`: titles before a name ("Mr.", "Dhr."); after a sentence-final abbreviation that
  ends a whole clause they open a new sentence ("… at 6 P.M. Mr. Smith then left").
- `LOWER_CASE_STARTERS`: words in lower case that open a sentence after "?" or "!" in web and
  chat text.

A language missing here falls back to English (`"en"`).
"""

_EN_TITLES = """
Mr Mrs Ms Messrs Mme Mmes Mlle Dr Drs Prof Profs Rev Hon Sr Sra Srta Jr St Ste Sgt Lt Col Gen
Adm Capt Cmdr Cpl Maj Pvt Gov Pres Sen Rep Amb Supt Insp Fr Br Sen Atty Esq Hr Fa
"""
_EN_REFERENCES = """
No Nos no nos N° n° Art Arts art Fig Figs fig figs Vol Vols vol vols Ch Chap ch chap
Sec Sect sec sect Para para Pt pt p pp Ed Eds ed eds Ref Refs ref refs Eq Eqs eq eqs
Tab tab Nr nr Op op Ps
App app Ex ex Doc doc Reg reg Dept dept Univ Assn Assoc Bros Mt Ave Blvd Rd Sq Hwy Ft
"""
_EN_MONTHS_SHORT = (
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Mon Tue Tues Wed Thu Thur Thurs Fri Sat Sun"
)
_EN_LATIN = """
e.g i.e cf viz vs v al approx ca c est esp incl excl resp min max dept govt intl natl
E.g I.e Cf Viz Vs Approx Ca Incl
"""
_EN_FINAL = """
etc co Inc Ltd Co Corp Bros LLC Plc plc a.m p.m A.M P.M U.S U.K U.N E.U U.S.A B.C A.D Jr Sr
"""

_FR = """
M MM Mme Mmes Mlle Mlles Dr Pr Me Mgr St Ste Sts Stes Vve
av apr env cf chap Chap art Art al ex éd Éd vol Vol fig Fig p pp n° no No nos Nos
janv févr avr juil sept oct nov déc Janv Févr Avr Juil Sept Oct Nov Déc
bd Bd av Av réf Réf tél Tél Md Mds md mds Mio mio Mrd mrd ex Ex
p.ex P.ex c.-à-d C.-à-d c.à.d env Env min max hab coll dir Dir trad éds ann suiv
"""
_NL = """
dhr Dhr mevr Mevr mw Mw mr Mr dr Dr drs Drs ir Ir ing Ing prof Prof st St
bv Bv bijv Bijv d.w.z D.w.z m.a.w M.a.w o.a O.a n.a.v N.a.v t.a.v T.a.v i.p.v I.p.v m.b.t M.b.t
ca vgl Vgl zgn nr Nr art Art blz Blz p pp mld mln mio Mld Mln Mio resp i.v.m I.v.m
incl Incl excl evt Evt ong Ong gem tel Tel min max Min Kon
jan feb mrt apr jun jul aug sep sept okt nov dec
Jan Feb Mrt Apr Jun Jul Aug Sep Sept Okt Nov Dec
"""
_DE = """
Hr Hrn Fr Frl Dr Prof St Nr nr Art Abs Abschn Bd Kap S Sp Ziff Anm Hrsg Jh Jhd Mio Mrd
z.B Z.B d.h D.h u.a U.a bzw Bzw vgl Vgl ca evtl Evtl ggf Ggf inkl Inkl sog Sog u.U z.T
Jan Feb Mär Apr Jun Jul Aug Sep Sept Okt Nov Dez Mo Di Mi Do Fr Sa So
"""


def _words(*blocks: str) -> frozenset[str]:
    return frozenset(word for block in blocks for word in block.split())


ABBREVIATIONS: dict[str, frozenset[str]] = {
    "en": _words(_EN_TITLES, _EN_REFERENCES, _EN_MONTHS_SHORT, _EN_LATIN),
    "fr": _words(_FR),
    "nl": _words(_NL),
    "de": _words(_DE),
}

FINAL_ABBREVIATIONS: dict[str, frozenset[str]] = {
    "en": _words(_EN_FINAL),
    "fr": _words("etc Cie cie av. J.-C apr. J.-C"),
    "nl": _words("enz Enz etc e.d e.a bv BV nv NV jl e.v a.s"),
    "de": _words("usw etc u.a. ff GmbH AG e.V"),
}

SENTENCE_STARTERS: dict[str, frozenset[str]] = {
    "en": _words(
        """
        A After An And Are As At But By Can Could Did Do Does For From Had Has Have He Her His
        How However I If In Is It Its Let Many Most My No Not On Once Only Our Please She Should
        Since So Some Thanks That The Their Then There These They This Those To Today Was We
        Were What When Where Which While Who Why Will With Would Yet You Your
        """
    ),
    "fr": _words(
        """
        Au Aux Ce Ces Cette Dans De Des Du Elle Elles En Et Il Ils Je La Le Les Leur Mais Nous
        On Or Par Pour Puis Quand Si Son Sa Ses Sur Un Une Vous
        """
    ),
    "nl": _words(
        """
        Als Bij De Dat Deze Die Dit Door Een En Er Het Hij Hun In Maar Met Na Naar Nu Om Op Over
        Ook Toen Van Voor Wat We Wij Zij Ze
        """
    ),
    "de": _words(
        """
        Aber Als Am Auch Auf Aus Bei Da Das Dann Dass Der Die Dies Diese Dieser Ein Eine Er Es
        Für Im In Mit Nach Nun Sie So Um Und Von Vor Wir Zu
        """
    ),
}

CONTINUATION_WORDS: dict[str, frozenset[str]] = {
    "en": _words(
        """
        a an and are as at be been by for from in including include includes is like namely
        of on or such than that the to was were which who whose with following follows
        """
    ),
    "fr": _words(
        "à au aux comme dans de des du et en est la le les ou par pour que qui sont sur un une"
    ),
    "nl": _words(
        "aan als bij de door een en het in is met naar of om op te van voor waaronder zijn"
    ),
    "de": _words(
        "am an auf aus bei das der die ein eine einschließlich für im in ist mit oder und von zu"
    ),
}

MONTHS: dict[str, frozenset[str]] = {
    "en": _words(
        """
        January February March April May June July August September October November December
        """
    ),
    "fr": _words(
        "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
    ),
    "nl": _words(
        "januari februari maart april mei juni juli augustus september oktober november december"
    ),
    "de": _words(
        "Januar Februar März April Mai Juni Juli August September Oktober November Dezember"
    ),
}

TITLES: dict[str, frozenset[str]] = {
    "en": _words(_EN_TITLES),
    "fr": _words("M MM Mme Mmes Mlle Mlles Dr Pr Me Mgr"),
    "nl": _words("Dhr Mevr Mw Mr Dr Drs Ir Ing Prof"),
    "de": _words("Hr Hrn Fr Frl Dr Prof"),
}

# Words in lower case that open a sentence in web and chat text after "?" or "!" ("Is it
# open? they said no"), unlike a name going on ("Yahoo! in the ..."). Matched against the
# letters after any opening quote, so Dutch "'s" and "'t" are "s" and "t".
LOWER_CASE_STARTERS: dict[str, frozenset[str]] = {
    "en": _words(
        """
        i im ive id it its they there this that these those we you he she my
        our your his her their maybe just also so but then now please thanks thank what
        when where why how who if well yes no ok okay lol like plus anyway whatever still
        other cos the a an any anyone everyone some
        """
    ),
    "fr": _words("je il elle on nous vous ils elles ce ça mais et alors oui non"),
    "nl": _words("ik het dat dit we wij je jij hij zij ze er maar en dus ja nee s t"),
    "de": _words("ich es das wir du er sie aber und ja nein"),
}

NUMBER_ABBREVIATIONS: dict[str, frozenset[str]] = {
    "en": _words(_EN_REFERENCES)
    - _words("Dept dept Univ Assn Assoc Bros Mt Ave Blvd Rd Sq Hwy Ft"),
    "fr": _words("p pp n° no No nos Nos art Art chap Chap fig Fig vol Vol éd Éd"),
    "nl": _words("nr Nr art Art blz Blz p pp"),
    "de": _words("Nr nr Art Abs Abschn Bd Kap S Sp Ziff"),
}
