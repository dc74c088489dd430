"""The words check-worthiness looks for, one Lexicon per language (English, French, Dutch).

Pure data: `claim_features` compiles patterns from a Lexicon once, on first use. A language
with no Lexicon here is read with the English one.
"""

from __future__ import annotations

from dataclasses import dataclass


def _phrases(listing: str) -> tuple[str, ...]:
    """Split "a, b c" into ("a", "b c"), so that word lists read as data."""
    return tuple(phrase.strip() for phrase in listing.split(",") if phrase.strip())


@dataclass(frozen=True)
class Lexicon:
    """The words of one language, lower case unless noted; "*" stands for any one word.

    Only months and weekdays are regular-expression fragments (written capitalised).
    """

    months: tuple[str, ...]
    weekdays: tuple[str, ...]
    units: tuple[str, ...]  # one..nine; "one" alone does not count as a number
    teens: tuple[str, ...]  # ten..nineteen
    tens: tuple[str, ...]  # twenty..ninety
    scales: tuple[str, ...]  # hundred, thousand, million...
    number_words: tuple[str, ...]  # count alone: ordinals from "fourth", "thousands"
    currency_words: tuple[str, ...]  # after an amount: "15 billion euros"
    comparisons: tuple[str, ...]
    not_comparisons: tuple[str, ...]  # look like one: "as well as"
    causes: tuple[str, ...]
    attribution_verbs: tuple[str, ...]  # shown as "… said"
    attribution_prefixes: tuple[str, ...]  # shown as "according to …"
    exhortations: tuple[str, ...]
    not_exhortations: tuple[str, ...]
    opinions: tuple[str, ...]  # phrases and loaded words
    slogan_openers: tuple[str, ...]
    name_connectors: tuple[str, ...]  # lower-case words inside names: "Republic of Korea"
    titles: tuple[str, ...]  # dropped before a name: "President Xi Jinping" -> "Xi Jinping"
    sentence_openers: tuple[str, ...]  # capitalised only because they open a sentence
    not_names: tuple[str, ...]  # capitalised words that name no one (as written)
    # Regular-expression fragments, like months.
    percent_words: tuple[str, ...]  # after a number: "2 per cent"
    ordinal_suffixes: tuple[str, ...]  # "21st", "1er", "3de"
    number_articles: tuple[str, ...]  # before a scale: "a million", "un million"
    number_and: str  # inside a written number: "one hundred and two"
    # Words of statistics ("unemployment", "taux"). None in English: the learned model
    # weighs such words itself.
    statistics: tuple[str, ...] = ()
    # Words may follow an elided article: "d'inflation", "l'Europe".
    elision: bool = False


ENGLISH = Lexicon(
    months=_phrases(
        r"January, February, March, April, May, June, July, August, September, October,"
        r"November, December, Jan\., Feb\., Mar\., Apr\., Jun\., Jul\., Aug\., Sept?\.,"
        r"Oct\., Nov\., Dec\."
    ),
    weekdays=_phrases("Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday"),
    units=_phrases("one, two, three, four, five, six, seven, eight, nine"),
    teens=_phrases(
        "ten, eleven, twelve, thirteen, fourteen, fifteen, sixteen, seventeen, eighteen,nineteen"
    ),
    tens=_phrases("twenty, thirty, forty, fifty, sixty, seventy, eighty, ninety"),
    scales=_phrases("hundred, thousand, million, billion, trillion"),
    # "first", "second" and "third" are left out: too often rhetorical ("first priority").
    number_words=_phrases(
        "fourth, fifth, sixth, seventh, eighth, ninth, tenth, eleventh, twelfth, thirteenth,"
        "fourteenth, fifteenth, sixteenth, seventeenth, eighteenth, nineteenth, twentieth,"
        "thirtieth, fortieth, fiftieth, sixtieth, seventieth, eightieth, ninetieth, hundredth,"
        "thousandth, millionth, dozens, hundreds, thousands, millions, billions"
    ),
    currency_words=_phrases(
        "euro, euros, dollar, dollars, pounds, pounds sterling, francs, yen, yuan, roubles,rubles"
    ),
    comparisons=_phrases(
        "more than, less than, fewer than, greater than, higher than, lower than, larger than,"
        "smaller than, bigger than, better than, worse than, older than, younger than,"
        "richer than, poorer than, stronger than, weaker than, earlier than, later than,"
        "cheaper than, faster than, most *, least *, largest, biggest, highest, lowest,"
        "smallest, greatest, oldest, newest, richest, poorest, strongest, weakest, longest,"
        "shortest, fastest, deadliest, worst, best, first and only, twice, doubled, tripled,"
        "halved, two times, three times, four times, five times, ten times, as * as,"
        "compared to, compared with, surpass, surpasses, surpassed, exceed, exceeds, exceeded,"
        "outnumber, outnumbers, outnumbered, increased by, decreased by, rose by, fell by,"
        "dropped by, grew by"
    ),
    not_comparisons=_phrases(
        "as well as, as long as, as soon as, as far as, as early as, as if, as though,"
        "most of, at least, at most"
    ),
    causes=_phrases(
        "because, because of, due to, as a result, as a result of, owing to, thanks to,"
        "caused, caused by, led to, leads to, resulted in, results in, therefore,"
        "consequently"
    ),
    attribution_verbs=_phrases(
        "said, says, argues, argued, claims, claimed, stated, states that, announced, reported,"
        "told, wrote, declared, declares, promises, promised, insisted, insists, admitted,"
        "denied, warned, warns, confirmed, acknowledged, concluded, cited, called it, put it"
    ),
    attribution_prefixes=_phrases("according to"),
    exhortations=_phrases(
        "we must, we should, we need to, we have to, we ought to, you must, you should,"
        "everyone must, let's, let’s, let us, we demand, we call on, we call for, we urge,"
        "we appeal, we invite, must *, must not *, must be *, should *, should not *,"
        "should be *, are to be *"
    ),
    not_exhortations=_phrases("should be noted, should be said"),
    opinions=_phrases(
        "we believe, i believe, we think, i think, we feel, i feel, in our view, in my view,"
        "in our opinion, in my opinion, it is clear that, obviously, undoubtedly, of course,"
        "shameful, disgraceful, scandalous, outrageous, unacceptable, appalling, shocking,"
        "disgusting, despicable, heinous, criminal, barbaric, inhumane, brutal, brutally,"
        "heroic, glorious, reckless, fascist, neo-nazi, warmonger, warmongers, aggressive,"
        "legitimate, illegitimate, unjust, terrible, horrible, wonderful, disastrous"
    ),
    slogan_openers=_phrases("long live, down with, hands off, no to, yes to, stop, victory"),
    name_connectors=_phrases("of, of the, for, de, du, des, la, le, van, von, der"),
    titles=_phrases(
        "president, commissioner, minister, prime, chancellor, secretary, general, chief,"
        "leader, adviser, advisor, senator, governor, mayor, king, queen, pope, professor,"
        "mr, mrs, ms, dr, sir"
    ),
    sentence_openers=_phrases(
        "a, an, the, in, on, at, after, before, since, from, for, by, with, without, against,"
        "during, under, over, between, among, although, though, while, when, where, whereas,"
        "because, as, if, this, that, these, those, it, its, we, our, they, their, he, she,"
        "his, her, there, here, today, meanwhile, already, also, but, and, or, so, yet,"
        "however, then, every, all, each, no, not, only, even, especially, potentially, to,"
        "given, whether, wherever, whenever, unless, until, despite, towards, throughout,"
        "within, upon, like, unlike"
    ),
    not_names=_phrases("I, AM, PM, OK, EUR, USD, GBP"),
    percent_words=(r"per\s?cent", "percent"),
    ordinal_suffixes=("st", "nd", "rd", "th"),
    number_articles=("a", "one"),
    number_and="and",
)

FRENCH = Lexicon(
    months=_phrases(
        "janvier, février, mars, avril, mai, juin, juillet, août, septembre, octobre, novembre,"
        "décembre, Janvier, Février, Mars, Avril, Mai, Juin, Juillet, Août, Septembre, Octobre,"
        r"Novembre, Décembre, janv\., févr\., avr\., juil\., sept\., oct\., nov\., déc\."
    ),
    weekdays=_phrases("lundi, mardi, mercredi, jeudi, vendredi, samedi, dimanche"),
    units=_phrases("un, deux, trois, quatre, cinq, six, sept, huit, neuf"),
    teens=_phrases(
        "dix, onze, douze, treize, quatorze, quinze, seize, dix-sept, dix-huit, dix-neuf"
    ),
    tens=_phrases(
        "vingt, trente, quarante, cinquante, soixante, septante, huitante, octante, nonante,"
        "soixante-dix, quatre-vingt, quatre-vingts, quatre-vingt-dix"
    ),
    scales=_phrases("cent, cents, mille, million, millions, milliard, milliards"),
    number_words=_phrases(
        "quatrième, cinquième, sixième, septième, huitième, neuvième, dixième, vingtième,"
        "centième, millième, dizaines, centaines, milliers, millions, milliards"
    ),
    currency_words=_phrases(
        "euro, euros, d'euros, d’euros, dollars, de dollars, livres, francs, yens, yuans, roubles"
    ),
    comparisons=_phrases(
        "plus que, plus de, moins que, moins de, davantage, autant que, supérieur à,"
        "supérieure à, inférieur à, inférieure à, le plus *, la plus *, les plus *, le moins *,"
        "la moins *, les moins *, record, meilleur, meilleure, pire, deux fois, trois fois,"
        "quatre fois, dix fois, doublé, triplé, divisé par deux, comparé à, par rapport à,"
        "dépasse, dépassé, a augmenté de, a diminué de, en hausse de, en baisse de,"
        "a progressé de, a reculé de, plus élevé, plus élevée, plus élevés, plus élevées,"
        "plus haut, plus bas, plus grand, plus grande, plus petit, plus petite, plus nombreux,"
        "plus cher, moins cher, moins élevé"
    ),
    not_comparisons=_phrases("au moins, plus tard, de plus, non plus, tout au plus"),
    causes=_phrases(
        "parce que, à cause de, en raison de, grâce à, du fait de, par conséquent, c'est pourquoi,"
        "entraîné, provoqué, causé, conduit à, a conduit à, a mené à, résulte de"
    ),
    attribution_verbs=_phrases(
        "a déclaré, déclare, a dit, affirme, a affirmé, a annoncé, annonce, estime, a estimé,"
        "assure, a assuré, souligne, a souligné, rapporte, a rapporté, a averti, avertit,"
        "a reconnu, reconnaît, a confirmé, confirme, promet, a promis, a écrit, écrit, a nié"
    ),
    attribution_prefixes=_phrases("selon, d'après, d’après"),
    exhortations=_phrases(
        "nous devons, il faut, il faudrait, nous devrions, vous devez, on doit, on devrait,"
        "nous exigeons, nous appelons, nous demandons, unissons-nous, refusons, luttons,"
        "exigeons, doit *, doivent *, devrait *, devraient *"
    ),
    not_exhortations=_phrases("il faut dire, il faut noter, doit être noté"),
    opinions=_phrases(
        "je pense, nous pensons, je crois, nous croyons, à mon avis, à notre avis, selon moi,"
        "il est clair que, évidemment, bien sûr, honteux, honteuse, scandaleux, scandaleuse,"
        "inacceptable, inadmissible, choquant, révoltant, criminel, criminelle, barbare,"
        "inhumain, inhumaine, héroïque, glorieux, glorieuse, fasciste, fascistes, néo-nazi,"
        "néo-nazis, belliciste, bellicistes, agressif, agressive, illégitime, injuste,"
        "terrible, horrible, merveilleux, désastreux, désastreuse"
    ),
    slogan_openers=_phrases("vive, à bas, non à, oui à, halte à, stop, victoire"),
    name_connectors=_phrases("de, du, des, de la, d', d’, la, le, l', l’"),
    titles=_phrases(
        "président, présidente, ministre, premier, première, commissaire, chancelier,"
        "chancelière, secrétaire, général, générale, chef, directeur, directrice, sénateur,"
        "gouverneur, maire, bourgmestre, roi, reine, pape, professeur, m, mme, mlle, dr"
    ),
    sentence_openers=_phrases(
        "le, la, les, l', l’, un, une, des, du, de, en, dans, sur, à, au, aux, après, avant,"
        "depuis, pour, par, avec, sans, contre, pendant, sous, entre, parmi, quand, lorsque, si,"
        "ce, cette, ces, cet, il, elle, ils, elles, on, nous, vous, leur, leurs, son, sa, ses,"
        "notre, nos, aujourd'hui, hier, demain, cependant, pourtant, mais, et, ou, donc, ainsi,"
        "alors, chaque, tout, tous, toutes, aucun, aucune, seul, seulement, même, selon,"
        "malgré, vers"
    ),
    not_names=_phrases("Je, J'ai, EUR, USD, OK"),
    percent_words=(r"pour\s?cent", "pourcents?"),
    ordinal_suffixes=("er", "re", "e", "ème"),
    number_articles=("un", "une"),
    number_and="et",
    elision=True,
    statistics=_phrases(
        "taux, chômage, inflation, moyenne, médiane, pourcentage, croissance, déficit, dette,"
        "pib, produit intérieur brut, budget, statistiques, recensement, sondage, habitants,"
        "population, espérance de vie, salaire minimum, chiffres"
    ),
)

DUTCH = Lexicon(
    months=_phrases(
        "januari, februari, maart, april, mei, juni, juli, augustus, september, oktober,"
        "november, december, Januari, Februari, Maart, April, Mei, Juni, Juli, Augustus,"
        r"September, Oktober, November, December, jan\., febr?\., apr\., aug\., sept?\., okt\.,"
        r"nov\., dec\."
    ),
    weekdays=_phrases("maandag, dinsdag, woensdag, donderdag, vrijdag, zaterdag, zondag"),
    units=_phrases("een, twee, drie, vier, vijf, zes, zeven, acht, negen"),
    teens=_phrases(
        "tien, elf, twaalf, dertien, veertien, vijftien, zestien, zeventien, achttien, negentien"
    ),
    tens=_phrases("twintig, dertig, veertig, vijftig, zestig, zeventig, tachtig, negentig"),
    scales=_phrases("honderd, duizend, miljoen, miljard, biljoen"),
    number_words=_phrases(
        "vierde, vijfde, zesde, zevende, achtste, negende, tiende, twintigste, honderdste,"
        "duizendste, tientallen, honderden, duizenden, miljoenen, miljarden"
    ),
    currency_words=_phrases("euro, euro's, dollar, dollars, pond, frank, yen, yuan, roebel"),
    comparisons=_phrases(
        "meer dan, minder dan, groter dan, kleiner dan, hoger dan, lager dan, beter dan,"
        "slechter dan, ouder dan, jonger dan, duurder dan, goedkoper dan, sneller dan,"
        "evenveel als, het meest, het minst, grootste, hoogste, laagste, kleinste, beste,"
        "slechtste, oudste, nieuwste, rijkste, armste, sterkste, zwakste, langste, snelste,"
        "dodelijkste, record, twee keer, drie keer, vier keer, tien keer, twee maal, drie maal,"
        "verdubbeld, verdrievoudigd, gehalveerd, vergeleken met, in vergelijking met,"
        "gestegen met, gedaald met, toegenomen met, afgenomen met, overtreft, overtrof"
    ),
    not_comparisons=_phrases("ten minste, tenminste, minstens, ten hoogste"),
    causes=_phrases(
        "omdat, doordat, vanwege, als gevolg van, dankzij, daardoor, daarom, veroorzaakt,"
        "veroorzaakte, leidde tot, leidt tot, geleid tot, met als gevolg, te wijten aan"
    ),
    attribution_verbs=_phrases(
        "zei, zegt, verklaarde, verklaart, stelt, stelde, beweert, beweerde, meldde, meldt,"
        "kondigde aan, waarschuwde, waarschuwt, bevestigde, bevestigt, erkende, gaf toe,"
        "schreef, schrijft, beloofde, belooft, ontkende, benadrukte"
    ),
    attribution_prefixes=_phrases("volgens"),
    exhortations=_phrases(
        "we moeten, wij moeten, we zouden moeten, jullie moeten, laten we, laat ons, we eisen,"
        "wij eisen, we roepen op, wij roepen op, moet *, moeten *, zou moeten, zouden moeten"
    ),
    not_exhortations=_phrases("moet gezegd, moet opgemerkt"),
    opinions=_phrases(
        "ik denk, wij denken, we denken, ik vind, wij vinden, we vinden, ik geloof,"
        "naar mijn mening, volgens mij, het is duidelijk dat, uiteraard, schandalig,"
        "schandelijk, onaanvaardbaar, onacceptabel, schokkend, walgelijk, crimineel, barbaars,"
        "onmenselijk, brutaal, heldhaftig, roemrijk, fascistisch, fascisten, neonazi,"
        "neonazi's, oorlogsstokers, agressief, illegitiem, onrechtvaardig, verschrikkelijk,"
        "vreselijk, prachtig, rampzalig"
    ),
    slogan_openers=_phrases("leve, weg met, handen af van, nee tegen, ja tegen, stop, overwinning"),
    name_connectors=_phrases("van, van de, van der, van den, de, der, den, het, voor"),
    titles=_phrases(
        "president, minister, premier, eerste, commissaris, kanselier, staatssecretaris,"
        "secretaris, generaal, voorzitter, directeur, burgemeester, koning, koningin, paus,"
        "professor, prof, dhr, mevr, mevrouw, meneer, dr"
    ),
    sentence_openers=_phrases(
        "de, het, een, in, op, aan, na, voor, sinds, van, met, zonder, tegen, tijdens, onder,"
        "over, tussen, bij, hoewel, terwijl, wanneer, als, toen, waar, omdat, dit, dat, deze,"
        "die, hij, zij, ze, wij, we, ons, onze, hun, zijn, haar, er, hier, daar, vandaag,"
        "gisteren, morgen, intussen, al, ook, maar, en, of, dus, toch, echter, dan, elk, elke,"
        "alle, ieder, iedere, geen, niet, alleen, zelfs, volgens, ondanks, tot, nu"
    ),
    not_names=_phrases("Ik, EUR, USD, OK"),
    percent_words=("procent", "percent"),
    ordinal_suffixes=("ste", "de", "e"),
    number_articles=("een", "één"),
    number_and="en",
    statistics=_phrases(
        "werkloosheid, inflatie, gemiddeld, gemiddelde, mediaan, percentage, groei, tekort,"
        "begrotingstekort, schuld, staatsschuld, bbp, begroting, statistieken, volkstelling,"
        "peiling, inwoners, bevolking, levensverwachting, minimumloon, cijfers"
    ),
)

LEXICONS: dict[str, Lexicon] = {"en": ENGLISH, "fr": FRENCH, "nl": DUTCH}
DEFAULT_LANGUAGE = "en"


def code(language: str) -> str:
    """The Lexicon key for a language tag such as "fr" or "nl-BE"; English when unknown."""
    base = language.split("-")[0].split("_")[0].lower() if language else DEFAULT_LANGUAGE
    return base if base in LEXICONS else DEFAULT_LANGUAGE
