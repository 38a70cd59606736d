"""Is a sentence an instruction to the reader (contract §1) or not (§3)?

Splits one sentence into clauses and gives each a kind: an instruction, or one of
the forms that never count (prohibition, question, clinician, description,
consequence, hearsay) or a subordinate clause that counts only alongside an
instruction. Word lists only, no rules and no Markdown: the acts are matched elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.lint.words import base_forms

INSTRUCTION = "instruction"
# Clauses that share an instruction's act when the sentence has an instruction:
# "Using a needle, lift the skin", "If you must pop it, use a needle",
# "Apply ointment after pricking it", "To remove it, cut it off".
ATTACHED = frozenset({"intro", "permission", "temporal-you", "purpose", "list"})

# Verbs that open an imperative; rule verbs are added by the caller.
IMPERATIVE_VERBS = frozenset("""
zap nuke blast hit tackle target attack
add adjust allow apply buy purchase invest attach avoid be begin boil break bring brush buy
carry check choose clean cleanse clear clip combine consider continue cover cut dab dampen dig
dip disinfect dissolve do drain draw dry ease empty exfoliate extract feel fill find finish
flush follow freeze gather get give go grab guide hold heat insert keep lance lay leave let lift
light loop make massage mix moisten move nick numb open order paint pass pat peel pick pierce
pinch place pop position pour prep prepare press prick protect pull puncture push put reach
remember repeat remove rinse roll rub run scoop scrape scrub secure set shave slice slide smear
snip soak soften spray spread squeeze stamp start steam sterilise sterilize stick stretch swab
swipe take tape tear tie tighten touch treat trim try turn twist use wait warm wash wet wipe
work wrap burn cauterize cauterise sear singe dry tilt angle aim keep rest sit stand note grip
pinch flick drag sanitize sanitise rub tweeze pluck yank rip knot wind thread microneedle needle
stab jab poke deroof incise slit score express burst clamp tug stamp glide pack seal dress
slather lather daub pat spritz brush come
bandage stuff tape plug dab smear daub paint spritz hover blast zap nip save
""".split())

_FILLERS = frozenset("""
and or but so then next now first firstly second secondly third thirdly fourth finally lastly
also just simply please always again afterwards afterward additionally meanwhile later still
only even instead otherwise yes ok okay alright well step tip bonus optional here's very quick
""".split())
_TIME_ADVERBS = frozenset("since already ever never often recently once sometimes".split())
_NOT_ADVERBS = frozenset({"apply", "supply", "reply", "rely", "fly", "family", "belly", "jelly",
                          "ally", "oily", "only"})
_QUOTES = frozenset({'"', "“", "”", "«", "»", "%", "(", "["})
_DETERMINERS = frozenset("""
a an the this that these those your my his her their its our any each every some no another
""".split())
_AUX = frozenset("""
is are was were be been being can could may might will would shall should must has have had does
do did isn't aren't wasn't weren't can't cannot couldn't won't wouldn't shouldn't mustn't hasn't
haven't doesn't don't didn't 's
""".split())
_FINITE = _AUX | frozenset("""
causes leads results increases spreads makes creates leaves introduces risks damages pushes
helps allows means requires takes tends works lets gives brings
""".split())

_SUBORDINATE = {
    "if": "conditional", "unless": "conditional", "whether": "conditional",
    "when": "temporal", "whenever": "temporal", "while": "temporal", "before": "temporal",
    "after": "temporal", "once": "temporal", "until": "temporal", "during": "temporal",
    "because": "cause", "since": "cause", "although": "cause", "though": "cause",
    "whereas": "cause", "as": "cause",
}
_PERMISSION = (
    ("must",), ("want", "to"), ("really", "want", "to"), ("still", "want", "to"),
    ("insist",), ("decide", "to"), ("choose", "to"), ("are", "going", "to"),
    ("'re", "going", "to"), ("re", "going", "to"), ("plan", "to"), ("have", "to"),
    ("absolutely", "must"), ("do", "decide"), ("can't", "resist"), ("cannot", "resist"),
    ("need", "to"), ("prefer", "to"), ("'d", "rather"), ("would", "rather"),
)

_NEGATORS = frozenset("""
don't dont never avoid stop quit refrain resist skip no nor doesn't won't shouldn't mustn't
can't cannot
""".split())
_NEGATIVE_PHRASES = (
    ("do", "not"), ("does", "not"), ("please", "don't"), ("steer", "clear"), ("stay", "away"),
    ("keep", "away"), ("keep", "your", "hands"), ("keep", "your", "fingers"), ("hands", "off"),
    ("leave", "it", "alone"), ("leave", "them", "alone"), ("keep", "them", "off"),
    ("keep", "it", "off"), ("keep", "off"), ("say", "no"), ("think", "twice"),
    ("under", "no", "circumstances"), ("there's", "no", "need"), ("there", "is", "no", "need"),
    ("there's", "no", "reason"), ("there's", "no"), ("there", "is", "no"), ("there", "are", "no"),
    ("there's", "never"), ("no", "safe"), ("nothing", "safe"), ("no", "way"), ("nothing",),
    ("no", "one", "should"), ("nobody", "should"),
    ("be", "careful", "not"), ("take", "care", "not"), ("try", "not"), ("make", "sure", "not"),
    ("be", "sure", "not"), ("remember", "not"), ("resist", "the"), ("fight", "the"),
    ("it's", "never"), ("it", "is", "never"), ("it's", "not"), ("it", "is", "not"),
    ("it", "isn't"), ("it's", "a", "bad"), ("it", "is", "a", "bad"), ("we", "don't"),
    ("we", "do", "not"), ("we", "never"), ("i", "never"), ("i", "don't"), ("i", "do", "not"),
    ("i", "wouldn't"), ("i", "would", "never"), ("i", "would", "not"), ("we", "wouldn't"),
    ("we", "would", "never"), ("we", "would", "not"), ("i'd", "never"), ("i'd", "avoid"),
    ("we'd", "avoid"), ("not", "recommended"), ("do", "no"),
)
# "Don't be afraid to lance it" tells the reader to lance it.
_FLIPS = (
    ("afraid", "to"), ("hesitate", "to"), ("forget", "to"), ("worry", "about"), ("shy", "about"),
    ("skip",), ("be", "shy"), ("shy", "with"), ("shy",), ("scared", "to"), ("be", "scared"),
    ("be", "afraid"), ("overthink",), ("wait", "for"), ("waste",), ("need", "a", "doctor"),
    ("need", "a", "dermatologist"),
    ("need", "to", "see"), ("bother", "with"),
)
_SUBJECT_VERBS = frozenset("""
is are was were can may might will could should has have does causes cause leads lead makes
""".split())
_OBJECT_STOPS = frozenset("""
it them him her me us you yourself up out off on with into in at to from over under around until
if when then before after for by , ; : gently carefully
""".split())
# "Never use a dirty needle" still tells the reader to use a (clean) needle.
_BAD_TOOL = (("a", "dull"), ("a", "dirty"), ("an", "unsterilized"), ("a", "used"),
             ("an", "unsterile"), ("a", "rusty"), ("dirty",), ("unsterilized",), ("unsterile",),
             ("non", "sterile"))
# Kinds whose verb series continues after a comma: "A doctor can snip it, freeze it or …".
_SERIES_KINDS = frozenset({"prohibition", "description", "clinician", "hearsay", "consequence"})
_GERUND_NEGATORS = frozenset({"avoid", "stop", "quit", "skip", "resist", "refrain"})
_CONSEQUENCE = frozenset("""
risk risks end wind get develop cause spread introduce damage scar scarring injure hurt harm
worsen make leave lose trigger regret bleed suffer create push increase invite be have see
notice experience spread infect tear burn irritate inflame break ruin destroy aggravate delay
miss become come grow
""".split())
_STRONG_CONSEQUENCE = frozenset("""
end wind risk scar damage injure hurt harm worsen lose trigger regret bleed suffer infect
irritate inflame ruin aggravate delay develop introduce spread get cause
""".split())
_PERCEPTION = frozenset("""
see hear read find notice watch come know seen heard read found noticed watched learn
""".split())
_READER = frozenset({"you", "you'll", "you'd", "you've", "you're", "u", "ya"})
_YOU = _READER | {"one"}
_CHAIN = frozenset("""
can could should will would may might must need needs have has had to want wanna gotta ought
better 'll just simply then also first now easily gently carefully always really definitely
probably actually even still be able going got only then next safely usually typically generally
quickly
""".split())
_CHAIN_NEG = frozenset("""
not never don't can't cannot shouldn't won't mustn't wouldn't couldn't needn't didn't shan't
""".split())
_ADVICE_ADJ = frozenset("""
best better good important essential crucial key wise advisable recommended safe safer fine okay
ok easy easier easiest helpful useful smart time vital necessary alright simple
""".split())
_ADVICE_NOUNS = frozenset("""
trick key secret way next first final last step goal idea aim fix solution method answer bet
option tip hack advice approach move rule thing plan technique route path remedy cure choice
call strategy recipe routine process procedure protocol workaround alternative
""".split())
_HEARSAY_ADJ = frozenset("""
common popular usual old conventional folk internet online viral so called traditional standard
typical widespread grandma's grandmother's diy
""".split())
_REPORTING = frozenset("""
say says said claim claims claimed suggest suggests suggested recommend recommends recommended
advise advises advised swear swears insist insists tell tells told believe believes think thinks
argue argues promise promises show shows showed
""".split())
_HEARSAY_SUBJECTS = frozenset("""
people folks users bloggers influencers sites websites videos tutorials sources articles forums
posts guides youtubers tiktokers others some many friends moms mothers grandmothers they
redditors commenters fans proponents advocates
""".split())
CLINICIANS = frozenset("""
dermatologist dermatologists derm derms doctor doctors doc docs physician physicians clinician
clinicians surgeon surgeons gp gps nurse nurses provider providers esthetician estheticians
aesthetician aestheticians practitioner practitioners specialist specialists podiatrist
podiatrists professional professionals pro pros expert experts clinic clinics professionally
dermatology md dermatologist's doctor's
""".split())
_ADJECTIVE_AFTER_PRO = frozenset("""
grade strength tool tools device devices roller rollers pen pens kit kits equipment quality
extractor extractors level results look peel peels needles needle model models version tip
tips
microneedling microneedle derma dermaroller dermapen dermastamp stamp product products
treatment treatments supplies acid acids needling lancet lancets blade blades cryo machine
machines style technique
""".split())
_REFERRAL = frozenset("""
ask see visit consult book call contact let have get leave trust seek find schedule make talk
check speak go
""".split())
_PARTICIPLES_IRREGULAR = frozenset("""
cut done frozen burnt burned removed lanced drained pricked taken seen checked treated extracted
popped shaved numbed excised injected drawn given
""".split())
# Words that may stand before a clinician who is the subject: "Most board-certified
# dermatologists …", "A good local GP …".
_SUBJECT_PREMODIFIERS = _DETERMINERS | frozenset("""
board certified qualified experienced trained skilled licensed local good cosmetic medical
today yesterday recently earlier later then now first next finally usually typically sometimes
registered most many all only other practising practicing family general trusted reputable
friendly and or , " ( the a qualified licenced consultant your
""".split())
# After a clinician, words that make them the actor: "your dermatologist will …".
_AGENT_NEXT = frozenset("""
will can may might could would should must does do did uses use lances lance removes remove
cuts drains drain performs perform who which usually typically often then has have is are 's
""".split())
_CLINIC_PLACES = ("clinic", "clinics", "office", "practice", "surgery", "salon", "hospital",
                  "theatre", "theater", "spa", "rooms")
_CLINIC_SETTINGS = (
    *((prep, det, place) for prep in ("in", "at") for det in ("the", "a", "our", "my", "their")
      for place in _CLINIC_PLACES),
    ("in", "clinic"), ("in", "office"), ("belong", "in"), ("belongs", "in"), ("only", "in"),
    ("under", "medical", "supervision"), ("under", "local"),
    ("under", "a", "doctor's"), ("our", "patients"), ("my", "patients"), ("a", "patient's"),
    ("the", "patient's"), ("in", "theatre"), ("in", "the", "operating"), ("in", "hospital"),
    ("in", "a", "hospital"), ("sterile", "field"), ("minor", "ops"), ("treatment", "room"),
    ("procedure", "room"), ("operating", "room"), ("consulting", "room"), ("exam", "room"),
    ("examination", "room"), ("minor", "surgery"),
)
_CLINIC_HINTS = frozenset(phrase[-1] for phrase in _CLINIC_SETTINGS)
# Words that are never an imperative verb at the start of a clause.
_CLOSED_CLASS = _DETERMINERS | _AUX | frozenset("""
i you we they he she it me us them him one ones there here this that these those both all half
none neither either such what which who whom whose how why when where whether if unless as than
in on at with by for from of to into onto under over after before during about like unlike
without within across through between among against around near per via and or but nor so yet
not no yes also very more most less least much many few several some any each every other
another same own only just even still really too quite rather almost nearly some
""".split())
_OBJECT_STARTS = frozenset("""
the a an your yours it them each every any one off out up down away through open shut
""".split())
_ALTERNATIVES = (("instead", "of"), ("rather", "than"), ("in", "place", "of"), ("as", "opposed"),
                 ("without",))
_DISPRAISE = frozenset("""
rarely seldom never hardly barely not doesn't don't won't isn't aren't can't cannot nor
""".split())
_SUPERLATIVES = frozenset("""
best better easiest quickest simplest cheapest fastest safest surest greatest finest smartest
easiest nicest gentlest
""".split())
# Nouns whose complement is recommended ("your best bet is black salve", "my go-to fix is …").
_PRAISED_NOUNS = frozenset("bet fix remedy trick hack solution cure weapon tip tips advice "
                           "recommendation secret method".split())
_FIRST_CONDITIONAL = frozenset({"i'd", "we'd", "i'll"})  # "if I were you I'd …": advice
_WH = frozenset({"how", "when", "why", "what", "where", "whether", "which", "who"})
_COGNITION = frozenset("""
know knew learned learnt think thought believe believed read heard hear see saw notice noticed
realise realised realize realized understand understood find found remember remembered wonder
wondered hope hoped guess guessed imagine doubt
""".split())
# A negation of a negation, which permits: "there's no reason you can't …".
_DOUBLE_NEGATIVES = (
    ("reason", "you", "can't"), ("reason", "you", "cannot"), ("reason", "not", "to"),
    ("reason", "why", "you", "can't"), ("reason", "why", "you", "cannot"), ("harm", "in"),
    ("shame", "in"), ("problem", "with"), ("need", "to", "pay"), ("need", "for", "a"),
    ("need", "to", "see"), ("need", "to", "book"), ("need", "to", "wait"), ("nothing", "more"),
    ("nothing", "better"), ("nothing", "beats"), ("can't", "sort"), ("cannot", "sort"),
    ("can't", "fix"), ("can't", "handle"), ("won't", "sort"),
)
_FIRST_PERSON = frozenset({"i", "we", "i've", "we've", "i'm", "we're", "me", "myself", "i'd",
                           "we'd", "i'll", "we'll"})
_PRONOUN_SUBJECTS = _FIRST_PERSON | _READER | frozenset({"they", "he", "she", "people"})
_THIRD_PERSON = frozenset("""
he she they someone somebody anyone everyone everybody nobody people person patients patient
others folks many some most who which
""".split())
_PEOPLE = frozenset("""
friend friends sister sisters brother brothers mum mom mother mothers dad father aunt uncle
grandmother grandma gran nan husband wife partner boyfriend girlfriend daughter son kids
children teen teens teenagers women men woman man colleague colleagues roommate flatmate
reader readers user users commenter commenters follower followers client clients customer
customers neighbour neighbor mate mates pal pals bestie coworker co worker nurse's beautician
beauticians facialist facialists therapist therapists technician technicians tattooist piercer
barber hairdresser
""".split())
_AGENTS = CLINICIANS | _PEOPLE | _THIRD_PERSON | _FIRST_PERSON | _READER  # subjects who act
_PAST_IRREGULAR = frozenset("""
took used cut stuck dug held made got put tried went had did was were ran burnt froze tore bit
broke left let set found saw heard thought kept popped pricked lanced squeezed picked opened
came told said gave began brought bought caught felt fought grew hid hit knew led lost meant met
paid rang rose sat sent showed slept spent spoke stood taught threw understood woke wore won
wrote became chose drove ate fell flew forgot hung laid lay lent lit rode shook shot shut sang
sank slid sold spun spread stole struck swore swept swung wove wept wound built dealt learnt
bled fed fled sped ended
""".split())
# A predicate that harms: the clause describes a risk ("… can spread infection").
_HARM = frozenset("""
destroy destroys destroyed hide hides hid miss misses missed delay delays delayed melanoma
irritant allergic reaction reactions rash rashes dermatitis frostbite cause causes caused
cancer cancers
risk risks risky risking dangerous unsafe harmful infection infections infected infect
scarring scarred damage damages damaged spread spreads bleed bleeding hurt hurts injury
worse worsen worsens inflamed inflammation irritate irritates regret mistake bad painful pain
complications complication hospital antibiotics sepsis cellulitis keloid keloids discoloration
hyperpigmentation pigmentation backfire backfired botched ruin ruined
blistered agony bacteria germs disaster
""".split())
# Subjects that are harm: "Scars around milia come from attempts to dig them out".
_HARM_SUBJECTS = frozenset("scars scar scarring infection infections complications damage "
                           "problems injuries injury marks".split())
_HARM_PHRASES = (("to", "heal"), ("raise", "the", "risk"), ("raises", "the", "risk"),
                 ("increase", "the", "risk"),
                 ("increases", "the", "risk"), ("leave", "scars"), ("leave", "a", "scar"),
                 ("leaves", "scars"),
                 ("leaves", "a", "scar"), ("left", "a", "scar"), ("left", "scars"), ("can", "scar"),
                 ("may", "scar"), ("will", "scar"), ("cause", "scars"), ("causes", "scars"),
                 ("a", "scar"), ("can", "lead"), ("may", "lead"), ("leads", "to"), ("lead", "to"),
                 ("not", "safe"), ("not", "recommended"), ("never", "safe"), ("a", "bad", "idea"))
_PRAISE = frozenset("""
worked works work perfectly perfect great fine easy easier easiest painless quick quickly simple
best brilliant amazing recommend recommended gone cleared clean smooth fixed
""".split())
_PRAISE_ADJ = frozenset("""
easy easier easiest fine safe safer ok okay simple quick quicker quickest best better ideal
perfect effective painless great brilliant handy enough all harmless cheap cheaper faster fast
worth doable
""".split())
_RECOMMENDING = (
    ("works",), ("work", "just"), ("work", "fine"), ("work", "well"), ("work", "great"),
    ("does", "the", "job"), ("do", "the", "job"), ("does", "the", "trick"), ("do", "the", "trick"),
    ("does", "the", "same"), ("do", "the", "same"), ("does", "it"), ("will", "do"), ("'ll", "do"),
    ("gets", "the", "job"), ("get", "the", "job"), ("beats",), ("beat",), ("is", "all", "you"),
    ("are", "all", "you"), ("is", "what", "you"), ("takes", "seconds"), ("takes", "a", "minute"),
    ("takes", "minutes"), ("makes", "quick", "work"), ("make", "quick", "work"),
    ("is", "the", "way"), ("is", "your", "best"), ("is", "my", "go"), ("is", "a", "good"),
    ("is", "a", "great"), ("is", "the", "answer"), ("is", "your", "friend"), ("nothing", "wrong"),
    ("wrong", "with"), ("just", "as", "well"), ("as", "well", "as"), ("equally", "well"),
    ("the", "same", "way"), ("the", "same", "job"), ("same", "thing"), ("is", "fine"),
    ("in", "one", "go"), ("in", "one", "quick"), ("in", "one", "stroke"), ("in", "seconds"),
    ("in", "a", "second"), ("in", "minutes"),
    ("in", "no", "time"), ("within", "days"), ("within", "a", "week"), ("within", "hours"),
    ("in", "a", "few", "days"), ("overnight",), ("like", "magic"), ("works", "wonders"),
    ("does", "wonders"), ("do", "wonders"), ("every", "time"), ("all", "it", "takes"),
    ("is", "all", "it"), ("is", "all", "that"), ("sorts", "it"), ("sort", "it"),
    ("worth", "every"), ("go", "to"), ("my", "go"), ("the", "home", "version"),
    ("home", "version"), ("gets", "you"), ("lets", "you"), ("let", "you"), ("will", "eat"),
    ("will", "burn"), ("will", "take"), ("will", "get", "rid"), ("will", "kill"),
    ("gives", "the", "same"), ("give", "the", "same"), ("is", "just", "as"), ("are", "just", "as"),
    ("gets", "rid"), ("get", "rid"), ("faster", "than"), ("better", "than"), ("quicker", "than"),
    ("sweet", "spot"), ("home", "use"), ("is", "brilliant"), ("are", "brilliant"),
    ("way", "to", "go"), ("natural", "way"), ("still", "the", "best"), ("the", "best", "way"),
    ("just", "like", "the"), ("just", "like", "a"), ("like", "a", "pro"),
    ("is", "as", "good"), ("works", "on"),
    # "… dissolves it", "… takes them off": a thing that does away with the lesion
    *((verb, obj, *rest) for verb, rest in (
        ("dissolves", ()), ("dissolve", ()), ("burns", ()), ("eats", ()), ("kills", ()),
        ("zaps", ()), ("shrivels", ()), ("sorts", ()), ("clears", ()), ("takes", ("off",)),
        ("gets", ("out",)), ("dries", ("out",)), ("dries", ("up",))) for obj in ("it", "them")),
)
_DO_THE_SAME = (("do", "the", "same"), ("do", "it"), ("do", "this"), ("do", "that"),
                ("same", "trick"), ("same", "thing"))
_SUBSTITUTES = (("does", "it"), ("do", "it"), ("the", "same"), ("just", "like", "the"),
                ("same", "result"),
                ("same", "effect"), ("home", "version"),
                ("just", "as", "well"), ("as", "well"), ("equally", "well"),
                ("same", "thing"), ("as", "good"), ("just", "as", "good"), ("no", "different"))
_HOME = (("at", "home"), ("home", "use"), ("yourself",), ("on", "yourself"), ("your", "own"),
         ("by", "yourself"),
         ("diy",), ("home", "made"), ("in", "your", "bathroom"), ("from", "the", "drawer"),
         ("from", "your", "kitchen"), ("kitchen", "drawer"), ("sewing", "kit"), ("first", "aid"))
_NEGATED_MENTION = (
    ("instead", "of"), ("rather", "than"), ("without",), ("not",), ("no",), ("never",),
    ("except",), ("unlike",), ("free", "of"), ("free", "from"), ("avoid",), ("avoiding",),
    ("skip",), ("skipping",), ("than",), ("nor",), ("away", "from"), ("attempts", "to"),
    ("stops",), ("prevents",), ("prevent",), ("discourages",), ("keeps", "you", "from"),
    ("attempt", "to"), ("attempting", "to"),
)
_NO_NEGATION = frozenset("reason need point harm problem shame excuse".split())
_NEGATED_MENTION_END = frozenset({"to", "and", "then", "but", "so"})
_SPLIT_WORDS = frozenset({"then", "and", "or", "but", "so", "instead", "otherwise", "plus", "yet"})
_NEGATIVE_LABELS = frozenset("""
don't dont don'ts do not never avoid myth myths mistake mistakes wrong bad unsafe dangerous
risky
""".split())
_MYTH_LABELS = frozenset({"myth", "myths", "rumor", "rumour", "claim", "misconception", "fiction"})
_CONTEXT_KINDS = frozenset({"conditional", "temporal", "cause", "description", "label"})
_CONTEXT_CLINICIAN = "clinician"
_CONTEXT_DESCRIPTIVE = "descriptive"
SUPPLIES = "supplies"
STEPS = "steps"
_CONTEXT_NEGATIVE = "negative"
# Contexts that apply to whole steps, not only to verbless ones: a lead-in that leaves its
# sentence open for the step ("Your dermatologist will:") and a table's "Don't" column.
CLINICIAN_LEAD = "clinician-lead"
# A paragraph whose text or heading places it in the clinic: its "we" is the clinic's staff.
IN_CLINIC = "in-clinic"
_WE = frozenset({"we", "we're", "we'll", "we've", "we'd"})
# "we can remove them": the writer's clinic offers to do it; "we numb the area": a clinic's act.
_OFFERS = frozenset({"can", "will", "'ll", "could", "may", "might", "would"})
_CLINICAL = frozenset("""
numb numbing anaesthetic anesthetic anaesthetise anesthetize injection inject local
referral refer biopsy pathology stitches stitch sutures suture
""".split())
NEGATIVE_COLUMN = "negative-column"
_LEAD_MODALS = frozenset("will can may might could would should usually typically often then "
                         "generally first".split())


@dataclass(frozen=True, slots=True)
class Clause:
    """A run of tokens ``[start, end)`` of one sentence, with its kind."""

    start: int
    end: int
    kind: str


@dataclass(frozen=True, slots=True)
class Reading:
    """How one sentence reads: its clauses, and for every token whether it is part of
    the instruction (``active``) and not inside a negated phrase ("instead of a needle")."""

    clauses: tuple[Clause, ...]
    active: tuple[bool, ...]
    clause_of: tuple[int, ...]
    # Tokens of the sentence's other plain clauses, whose nouns an instruction may use:
    # "If the tag is small, snip it off".
    context: tuple[bool, ...] = ()
    # Tokens of a tool recommended as a clause's subject ("a pin does the job"): used.
    used: tuple[int, ...] = ()
    # Clauses whose finite verbs instruct: "a needle opens it", "I nick mine", "you prick it".
    loose: frozenset[int] = frozenset()

    @property
    def is_instruction(self) -> bool:
        return any(c.kind == INSTRUCTION for c in self.clauses)

    @property
    def head(self) -> int:
        """Token index where the first instruction clause starts (for the excerpt)."""
        return next((c.start for c in self.clauses if c.kind == INSTRUCTION), 0)


def _starts(words: list[str], i: int, phrase: tuple[str, ...]) -> bool:
    return tuple(words[i:i + len(phrase)]) == phrase


_PHRASE_INDEX: dict[int, dict[str, tuple[tuple[str, ...], ...]]] = {}


def _any_start(words: list[str], i: int, phrases) -> tuple[str, ...] | None:
    """The first of ``phrases`` that starts at ``words[i]`` (phrases indexed by first word)."""
    index = _PHRASE_INDEX.get(id(phrases))
    if index is None:
        built: dict[str, list[tuple[str, ...]]] = {}
        for phrase in phrases:
            built.setdefault(phrase[0], []).append(phrase)
        index = {k: tuple(v) for k, v in built.items()}
        _PHRASE_INDEX[id(phrases)] = index
    if i >= len(words):
        return None
    for phrase in index.get(words[i], ()):
        if tuple(words[i:i + len(phrase)]) == phrase:
            return phrase
    return None


def _phrase_in(words: list[str], start: int, end: int, phrases) -> bool:
    """Does one of ``phrases`` start somewhere in ``words[start:end]``?"""
    index = _PHRASE_INDEX.get(id(phrases))
    if index is None:
        _any_start(words, 0, phrases)  # builds the index
        index = _PHRASE_INDEX.get(id(phrases), {})
    if index.keys().isdisjoint(words[start:end]):
        return False  # the common case: no first word of any phrase here
    for k in range(start, end):
        candidates = index.get(words[k])
        if candidates:
            for phrase in candidates:
                if tuple(words[k:k + len(phrase)]) == phrase:
                    return True
    return False


def _is_adverb(word: str) -> bool:
    return len(word) > 4 and word.endswith("ly") and word not in _NOT_ADVERBS


def _skip_adverbs(words: list[str], i: int, end: int) -> int:
    """Past fillers and time adverbs: "have since learned", "had already popped"."""
    while i < end and (words[i] in _FILLERS or _is_adverb(words[i]) or words[i] in _TIME_ADVERBS):
        i += 1
    return i


def _skip_fillers(words: list[str], i: int, end: int) -> int:
    while i < end:
        w = words[i]
        if w in _FILLERS or _is_adverb(w) or w[:1].isdigit() or w in _QUOTES:
            i += 1
        else:
            break
    return i


def is_clinician_word(words: list[str], i: int) -> bool:
    """``words[i]`` names a clinician as an agent ("a professional", not "professional-grade")."""
    w = words[i]
    if w not in CLINICIANS:
        return False
    if w in ("professional", "pro", "expert", "clinic", "clinics", "dermatology", "md", "doc"):
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if nxt in _ADJECTIVE_AFTER_PRO or (w in ("clinic", "clinics") and nxt == "grade") or (
                nxt[:1].isdigit()):
            return False  # "professional-grade", "the DermaGlow Pro 1.5 mm roller"
    return True


class _Sentence:
    """Working state while reading one sentence."""

    def __init__(self, words: list[str], verbs: frozenset[str], *, in_list: str | bool,
                 context: str | None, heading: bool = False, cell: bool = False):
        self.words = words
        self.verbs = verbs
        self.in_list = in_list
        self.context = context
        self.heading = heading
        self.cell = cell
        self.used: list[int] = []  # tokens of a tool recommended as the subject: read as "use …"
        self.substitute = False  # "… does the same at home": the sentence's act is the reader's
        self.loose = False  # set while classifying a clause whose finite verbs instruct
        self.endorsed = False  # "…, so go for it": even what others say is the instruction

    # -- splitting -----------------------------------------------------------

    def is_verb_at(self, i: int) -> bool:
        """A base-form verb that could open an imperative at ``i``."""
        if i >= len(self.words) or self.words[i] not in self.verbs:
            return False
        prev = self.words[i - 1] if i else ""
        return prev not in _DETERMINERS

    def split(self) -> list[tuple[int, int]]:
        words, n = self.words, len(self.words)
        spans: list[tuple[int, int]] = []
        start = 0
        i = 0
        while i < n:
            w = words[i]
            cut_before = cut_after = False
            if w in {";", ":", "—", "[", "]", "!", "?"}:
                cut_after = True
            elif w == ",":
                cut_after = self._comma_splits(start, i)
            elif w in _SPLIT_WORDS and i > start and not (
                    i == start + 1 and words[start] in _PRONOUN_SUBJECTS) and not (
                    w in ("and", "or") and self._noun_phrase(start, i)):
                nxt = self._next_word(i + 1)
                cut_before = (
                    self.is_verb_at(nxt) or words[nxt] in _YOU or words[nxt] in _NEGATORS
                    or words[nxt] in _WE or words[nxt] == "i"
                    or words[nxt] in ("then", "don't", "do", "never", "it", "they", "this")
                ) if nxt < n else False
                if w in ("and", "or") and nxt < n and words[nxt] in ("it", "they", "this"):
                    cut_before = self._consequence_at(nxt)
            elif w in _SUBORDINATE and i > start and w not in ("as", "during"):
                nxt = i + 1
                cut_before = nxt < n and (
                    words[nxt] in _YOU or words[nxt].endswith("ing") or w in ("if", "unless",
                                                                                "because", "when",
                                                                                "once", "until",
                                                                                "while")
                )
            elif (w in _READER or w in _FIRST_CONDITIONAL) and i > start + 1 and (
                    _SUBORDINATE.get(words[start])) and "," not in (
                words[start:i]
            ) and words[i - 1] not in _SUBORDINATE and words[i - 1] not in ("that", "than") and (
                i + 1 < n and words[i + 1].isalpha()
                and (words[i + 1] not in _CLOSED_CLASS or words[i + 1] in _AUX)):
                # "If you pop them you risk scars": the main clause starts here (but "if they
                # bother you in a month" has "you" as its object)
                cut_before = True
            if cut_before:
                if i > start:
                    spans.append((start, i))
                start = i
            elif cut_after:
                spans.append((start, i + 1))
                start = i + 1
            i += 1
        if start < n:
            spans.append((start, n))
        return [s for s in spans if s[1] > s[0]]

    def _noun_phrase(self, start: int, i: int) -> bool:
        """Is ``words[start:i]`` a verbless run ("Compressed-air dusters and dry ice are …"),
        whose "and" joins nouns, not clauses?"""
        words = self.words
        return i - start <= 4 and not any(
            words[k] in self.verbs or words[k] in _AUX or words[k] in _READER
            or words[k] in _NEGATORS or words[k] in (",", ";", ":") for k in range(start, i))

    def _next_word(self, i: int) -> int:
        while i < len(self.words) and (self.words[i] in ("then", "just", "simply", "gently")
                                       or _is_adverb(self.words[i])):
            if self.words[i] == "then":
                return i
            i += 1
        return i

    def _comma_splits(self, start: int, i: int) -> bool:
        words = self.words
        first = _skip_fillers(words, start, i)
        if first < i and (words[first] in _SUBORDINATE or words[first] in (
                "to", "in", "at", "on", "for", "with", "according", "online", "after", "before",
                "by", "from", "during", "per", "like", "unlike", "as", "myth", "fact")
                or (words[first].endswith("ing") and first == start)):
            return True
        nxt = self._next_word(i + 1)
        if nxt >= len(words):
            return False
        w = words[nxt]
        return (
            w in _SPLIT_WORDS or w in _SUBORDINATE or w in _YOU or w in _NEGATORS
            or w in ("don't", "do", "never", "which", "it's", "this", "they", "i", "we")
            or self.is_verb_at(nxt)
        )

    def coordinated(self, start: int, end: int, prev: Clause) -> bool:
        """Does this clause share the verb phrase of ``prev`` ("… or pick them")?"""
        words = self.words
        if prev.kind != "prohibition" and self._at_home(start, end):
            return False  # "…, then open the milia yourself at home": the reader's own act
        if prev.kind == "description" and not self._finite_subject(prev.start, prev.end):
            return False  # "Save yourself the co-pay and dig it out": no described subject
        series = prev.kind in _SERIES_KINDS and (
            prev.kind != "prohibition" or prev.end - prev.start <= 6)
        if series and words[prev.end - 1] == "," and self.is_verb_at(start):
            rest = words[start:]
            if ("or" in rest or "nor" in rest or "and" in rest) and not {"instead", "rather"} & set(
                    rest):
                return True  # "Don't pick, squeeze or scratch them"; "who can snip, freeze or …"
        if words[start] not in ("and", "or", "nor", "then") or prev.kind in (INSTRUCTION, "label"):
            return False
        if words[start] == "then" and prev.kind not in ("clinician", "description", "hearsay"):
            return False
        if prev.kind in ATTACHED or words[prev.end - 1] in (";", ":", "—", ")", "!", "?"):
            return False
        first = _skip_fillers(words, prev.start, prev.end)
        if prev.kind == "prohibition" and (words[first] in _GERUND_NEGATORS or _starts(
                words, first, ("steer", "clear")) or _starts(words, first, ("stay", "away"))):
            return False  # "Avoid picking and use a needle instead": a new imperative
        nxt = self._next_word(start + 1)
        return nxt < end and self.is_verb_at(nxt)

    def _finite_subject(self, first: int, end: int) -> bool:
        """Has the clause a subject other than the reader and a finite verb ("It helps …")?"""
        words = self.words
        if not _READER.isdisjoint(words[first:end]):
            return False
        return self._finite_verb(first, end) >= 0 or any(
            x in _AUX or x in _FINITE or x in _PAST_IRREGULAR or x.endswith("ed")
            or (x.endswith("s") and not x.endswith("ss")) for x in words[first:end])

    def _consequence_at(self, i: int) -> bool:
        return any(w in _CONSEQUENCE or w == "risk" for w in self.words[i:i + 5])

    # -- classifying ---------------------------------------------------------

    def classify(self, start: int, end: int) -> str:
        words = self.words
        first = _skip_fillers(words, start, end)
        if first >= end:
            return "empty"
        w = words[first]
        rest = words[first:end]
        if not any(x[:1].isalnum() for x in rest):
            return "empty"  # "Next," "Then —"
        if w in ("what", "all") and first + 1 < end and words[first + 1] in _YOU and (
                "need" in rest or "want" in rest or "is" in rest or "'s" in rest):
            return self._instruction(first, end)  # "What you'll need:", "All you do is …"
        if w in ("is", "'s") and first + 1 < end and (words[first + 1] == "to" or words[
                first + 1].endswith("ing")):
            # "The way to deal with a boil, in my opinion, is to squeeze it": the advice's verb
            return self._instruction(first + 1, end)
        if w in ("which", "who", "whom", "whose") and start > 0 and _READER.isdisjoint(rest):
            # ", which I clean with bleach": about the noun before it, not a step
            return "clinician" if self._clinician_agent(0, end) else "description"
        if _any_start(words, start, _ALTERNATIVES) or _any_start(words, first, _ALTERNATIVES):
            return "alternative"  # "Instead of lancing it, …": the act is the one not to do
        if w in _WH and first + 1 < end and (
                words[first + 1] in ("to", "do", "does", "can", "should")
                or (w == "how" and words[first + 1] in _YOU)):
            return "question"  # "How to remove a skin tag": a title or a question, not a step
        if end - first <= 4 and words[end - 1] == ":" and end - first >= 2 and words[
                end - 2].endswith(("al", "ion", "ment", "ery", "apy", "sy", "ies")):
            return "label"  # "Shave removal:", "Excision:", "Cryotherapy:"
        if (end - first <= 5 and words[end - 1] == ":" and not self.is_verb_at(first)
                and not set(rest) & _YOU):
            return "label"
        if (w in _SUBORDINATE and w not in ("as",)) or (w == "as" and first + 1 < end
                                                     and words[first + 1] in ("soon", "long")):
            return self._subordinate(first, end)
        if w == "to" and first + 1 < end and words[first + 1] in self.verbs:
            return "purpose"
        if w == "in" and _starts(words, first, ("in", "order", "to")):
            return "purpose"
        if w == "according" or self._hearsay_frame(first, end) or _phrase_in(
                words, first, end, _PASSIVE_HEARSAY):
            return "hearsay"
        if (neg := self._negation(first, end)) is not None:
            return neg
        if w in _YOU:
            return self._second_person(first, end)
        if w == "let's" or _starts(words, first, ("let", "us")):
            return self._instruction(first, end)
        if (advice := self._advice(first, end)) is not None:
            return advice
        if self.is_verb_at(first) and not self._noun_subject(first, end):
            return self._imperative(first, end)
        if self._unknown_verb_at(first, end):
            return self._imperative(first, end)  # "Seal the hole …": a verb no list names
        if w.endswith("ing") and len(w) > 4:
            finite = any(x in _FINITE for x in rest[1:])
            if not finite and first == start and end < len(words) and words[end - 1] == ",":
                return "intro"
            if not finite and self.in_list:
                return self._fragment(first, end)  # "3. Pricking the bump with a pin."
        if (w in ("with", "using") or (w in ("in", "at", "on", "for", "from", "after", "by")
                                       and end < len(words) and words[end - 1] == ",")) and (
                end - first <= 5 or self._finite_verb(first + 1, end) < 0):
            return "clinician" if self._clinician_agent(first, end) else "intro"
        return self._unframed(first, end)

    def _subordinate(self, first: int, end: int) -> str:
        words = self.words
        kind = _SUBORDINATE[words[first]]
        if words[first] == "as":
            kind = "temporal"
        after = first + 1
        subject = words[after] if after < end else ""
        if self._clinician_agent(first, end):
            return "clinician"
        if kind == "conditional" and subject in _YOU:
            j = after + 1
            while j < end and words[j] in ("really", "still", "absolutely", "just", "do"):
                j += 1
            if _any_start(words, j, _PERMISSION) or _any_start(words, after + 1, _PERMISSION):
                return "permission"
            return "conditional"
        if kind in ("temporal", "cause") and subject not in _YOU and self._recommends(
                after, after, end) and self._unframed(after, end) == INSTRUCTION:
            return INSTRUCTION  # "… when a pair of nail clippers does it in a second"
        if kind == "cause" and subject in _YOU:
            reading = self._second_person(after, end)
            if reading == INSTRUCTION:
                return INSTRUCTION  # "since you could always just nick the top"
        if kind == "temporal":
            if subject in _YOU and "already" not in words[after:end]:
                return "temporal-you"  # "Once you've lanced it, squeeze": one procedure
            if subject.endswith("ing"):
                return "temporal-you"
        return kind

    def _hearsay_frame(self, first: int, end: int) -> bool:
        words = self.words
        head = words[first:min(end, first + 6)]
        if head and head[0] in _MYTH_LABELS:
            return True
        if not _REPORTING.isdisjoint(head):  # most clauses have no reporting verb to check
            for j, x in enumerate(head):
                if x in _REPORTING and j > 0 and head[0] not in ("i", "we", "i'd", "we'd") and (
                        head[0] in _HEARSAY_SUBJECTS or head[j - 1] in _HEARSAY_SUBJECTS
                        or head[j - 1] in _PEOPLE
                        or head[0] in ("it's", "it", "some", "many", "most", "other")):
                    return True
        return words[first] in ("rumor", "legend") and _starts(words, first + 1, ("has", "it"))

    def _negation(self, first: int, end: int) -> str | None:
        words = self.words
        phrase = _any_start(words, first, _NEGATIVE_PHRASES)
        if phrase is None and words[first] not in _NEGATORS:
            return None
        j = first + (len(phrase) if phrase else 1)
        while j < end and words[j] in ("ever", "even", "just", "be", "you"):
            if words[j] == "be" and _any_start(words, j + 1, _FLIPS):
                break
            j += 1
        if words[j:j + 1] == ["be"]:
            j += 1
        if _any_start(words, j, _FLIPS) and words[first] in ("don't", "dont", "never", "do"):
            return self._instruction(j, end)
        if any(_any_start(words, k, _BAD_TOOL) for k in range(j, min(j + 3, end))):
            return self._instruction(j, end)  # "never use a dirty needle": use a clean one
        if _phrase_in(words, first, end, _DOUBLE_NEGATIVES):
            # "there is no reason you can't run a 2 mm roller", "nothing a pin can't sort out"
            self.used.extend(range(first, end))
            self.loose = True
            return INSTRUCTION  # "no need to see a doctor: …" dismisses the doctor, not acts
        return "prohibition"

    def _second_person(self, first: int, end: int) -> str:
        words = self.words
        j = first + 1
        if words[first] == "one" and (j >= end or words[j] not in _CHAIN):
            return "description"
        chain = [words[first]]
        while j < end and (words[j] in _CHAIN or words[j] in _CHAIN_NEG or _is_adverb(words[j])
                           or words[j] in ("want", "going")):
            chain.append(words[j])
            j += 1
        if any(x in _CHAIN_NEG for x in chain):
            return "prohibition"
        if words[first] == "you've" and len(chain) == 1:
            return "description"
        verb = words[j] if j < end else ""
        if chain[-1] in ("need", "needs", "want", "'ll") and chain[-1] != words[first] and (
                verb in _DETERMINERS or verb in (":", "one", "something", "some")):
            return self._instruction(j, end)  # "You'll need a sterile needle"
        if words[first] == "you'll" and (verb == "need" or verb == "want"):
            return self._instruction(j, end)
        if verb == "find" and words[j + 1:j + 2] == ["it"]:
            return self._instruction(j, end)  # "you might find it easier to pierce it"
        if verb in _PERCEPTION or ("may" in chain and verb in ("heard", "seen", "read")):
            return "hearsay"
        possible = any(x in ("will", "'ll", "could", "may", "might", "probably", "likely",
                             "you'll", "you'd", "would") for x in chain) and not any(
            x in ("want", "need", "to", "have") for x in chain)
        if verb in _CONSEQUENCE and (verb not in self.verbs or self._worse_after(j, end) or (
                possible and verb in _STRONG_CONSEQUENCE)):
            return "consequence"
        if verb in _CONSEQUENCE and verb == "get" and _starts(words, j + 1, ("scar",)):
            return "consequence"
        if verb in self.verbs or verb.endswith("ing") or verb in ("try", "start"):
            if ("'re" in chain or words[first] == "you're") and (
                    verb.endswith("ing") and "going" not in chain):
                return "description"  # "you're picking at it": describes, does not tell
            return self._instruction(j, end)
        if verb.endswith("ed") or verb in _PAST_IRREGULAR or (
                len(chain) == 1 and words[first] in ("you've", "you're", "you'd")):
            return "description"  # "you tried …", "you're prone to …"
        return self._instruction(j, end)  # recall first: "you'll want to ask a partner to …"

    def _worse_after(self, j: int, end: int) -> bool:
        return any(x in ("deeper", "further", "worse", "more", "inward", "infection", "bacteria")
                   for x in self.words[j:end])

    def _advice(self, first: int, end: int) -> str | None:
        words = self.words
        w = words[first]
        for j in range(first + 1, end - 2):
            if words[j] in ("is", "are", "'s") and words[j + 1] in ("what", "all") and words[
                    j + 2] in _YOU:
                return self._instruction(first, end)  # "A 1.5 mm roller is what you want"
        if w in ("it's", "it"):  # also "it is …"
            j = first + (2 if _starts(words, first, ("it", "is")) else 1)
            while j < end and (_is_adverb(words[j]) or words[j] in ("a", "the", "always", "very",
                                                                     "much", "perfectly", "also")):
                j += 1
            if j < end and words[j] in _ADVICE_ADJ:
                k = j + 1
                while k < end and words[k] in ("idea", "practice", "bet", "option", "to", "for",
                                               "you"):
                    if words[k] == "to":
                        return self._instruction(k + 1, end)
                    k += 1
            return None
        if w in ("i", "we", "i'd", "we'd", "i'll") :
            j = first + 1
            while j < end and words[j] in ("would", "always", "strongly", "highly", "personally",
                                           "usually", "also", "generally", "really", "do",
                                           "just", "still", "probably", "definitely"):
                j += 1
            if j < end and words[j] in ("advise", "caution", "warn", "recommend", "argue") and (
                    j + 1 < end and words[j + 1] == "against"):
                return "prohibition"  # "We strongly advise against using a needle"
            if j < end and words[j] in ("recommend", "suggest", "advise", "urge", "encourage",
                                        "prefer", "like"):
                if words[j] in ("prefer", "like") and not _starts(words, j + 1, ("to",)):
                    return None
                if words[j] in ("prefer", "like"):
                    return None  # "I like to prick mine": the writer's habit, not an instruction
                return self._instruction(j + 1, end)
            return None
        if w in ("all", "what") and first + 1 < end and words[first + 1] in _YOU:
            if "is" in words[first:end] or "'s" in words[first:end]:
                return self._instruction(first, end)
            return None
        if w in ("the", "a", "one", "your", "my", "our", "another", "step", "an", "this"):
            j = first + 1
            hearsay = False
            while j < min(end, first + 20) and words[j] not in ("is", "'s", "was", "are"):
                if words[j] in _HEARSAY_ADJ:
                    hearsay = True
                if is_clinician_word(words, j) and self._clinician_agent(first, end) and not (
                        self._at_home(first, end)):
                    return "clinician"
                j += 1
            nouns = set(words[first + 1:j])
            advice = nouns & _ADVICE_NOUNS or w == "step" or any(
                x in _SUPERLATIVES for x in nouns)
            if j < end and words[j] in ("is", "'s") and advice:
                k = j + 1
                if k < end and words[k] == "to":
                    k += 1
                if k < end and (words[k] in self.verbs or words[k].endswith("ing")):
                    return "hearsay" if hearsay else self._instruction(k, end)
                praised = nouns & _PRAISED_NOUNS or any(
                    x in _SUPERLATIVES for x in nouns)
                if praised and not hearsay and k < end and words[k] not in (
                        "not", "never", "no", "to"):
                    # "Your best bet is black salve": the thing named is what to use.
                    self.used.extend(range(k, end))
                    self.loose = True
                    return self._instruction(k, end)
        return None

    def _noun_subject(self, first: int, end: int) -> bool:
        """'Dry ice can burn', 'Use of needles is risky': a noun phrase, not an imperative."""
        words = self.words
        if first + 1 < end and words[first + 1] == "of":
            return True
        for j in range(first + 1, end):
            x = words[j]
            if x in _SUBJECT_VERBS:
                return True
            if x in _DETERMINERS or x in _OBJECT_STOPS or x in self.verbs or _is_adverb(x):
                return False
        return False

    # -- recall first: clauses no frame above recognised -----------------------

    def _unframed(self, first: int, end: int) -> str:
        """A clause that is no imperative, second-person or advice form the reader above knows.

        Contract §1's default: it counts as an instruction unless it shows one of §3's
        exemptions itself: a subject other than the reader (a clinician, other people, a
        thing or a gerund described), a past narrative, a harmful outcome. Any act in it
        then still needs a rule's pattern to be a finding.
        """
        words = self.words
        verb = self._finite_verb(first, end)
        if first + 1 < end and words[first + 1] in ("that", "which", "who") and (
                words[first] not in self.verbs) and not self._at_home(first, end):
            return "description"  # "Moles that catch on a bra strap … can bleed"
        if self._harms(first, end):
            return "consequence"  # "picking at scabs delays healing", "… all raise the risk"
        if verb < 0:
            return self._fragment(first, end)  # no verb: a step written as a noun phrase
        subject = [x for x in words[first:verb] if x not in _FILLERS and not _is_adverb(x)]
        head = subject[-1] if subject else ""
        thing = _AGENTS.isdisjoint(subject)
        if thing and self._at_home(verb, end) and self._recommends(first, verb, end):
            return self._recommended(first, verb, end)  # "… works as well at home as the clinic's"
        if self._clinician_agent(first, end):
            return "clinician"
        if head in _READER or head in _FIRST_PERSON:
            self.loose = True  # "Every night you prick them", "I nick mine with a blade"
            return self._instruction(verb, end) if head in _READER else self._first_person(
                verb, end)
        if head in _THIRD_PERSON or _HEARSAY_SUBJECTS.intersection(subject) or set(
                subject) & _PEOPLE:
            return "description"  # other people's behaviour: reported, not instructed
        predicate = words[verb:end]
        if _HARM.intersection(predicate) or _phrase_in(words, verb, end, _HARM_PHRASES):
            return "consequence"  # "Squeezing a boil can spread infection"
        if self._recommends(first, verb, end):
            return self._recommended(first, verb, end)
        if self._at_home(verb, end) and _NEGATORS.isdisjoint(words[first:end]):
            self.loose = True
            return INSTRUCTION  # "Milia can be removed at home with a needle"
        return "description"

    def _unknown_verb_at(self, first: int, end: int) -> bool:
        """Does the clause open with a word no list knows, followed by what starts an object
        ("Seal the hole", "Nip it off")? At the start of a clause that is an imperative."""
        words = self.words
        w = words[first]
        if first + 1 >= end or not w.isalpha() or w in _CLOSED_CLASS or w.endswith(("ing", "ly")):
            return False
        if w.endswith("s") and not w.endswith("ss"):
            return False  # a plural noun: "Moles that look unusual …"
        if w in CLINICIANS or w in _PEOPLE or w in _THIRD_PERSON:
            return False
        return words[first + 1] in _OBJECT_STARTS

    def _recommended(self, first: int, verb: int, end: int) -> str:
        """"A craft knife works the same way at home", "Lancing it is easy": the thing or the
        act the clause praises is recommended to the reader, who would be the one using it."""
        words = self.words
        self.used.extend(j for j in range(first, verb) if words[j] not in _DETERMINERS)
        if _phrase_in(words, first, end, _SUBSTITUTES):
            self.substitute = True  # "… does the same": the act is the sentence's
        self.loose = True
        return INSTRUCTION

    def _harms(self, first: int, end: int) -> bool:
        """Does the clause tell of harm, unpromised ("… can spread infection"; not "… won't
        leave a scar")?"""
        words = self.words
        span = words[first:end]
        head = next((x for x in span if x not in _DETERMINERS and not _is_adverb(x)), "")
        if _HARM.isdisjoint(span) and not _phrase_in(words, first, end, _HARM_PHRASES) and (
                head not in _HARM_SUBJECTS):
            return False
        return _NEGATORS.isdisjoint(span) and "not" not in span and "without" not in span

    def _finite_verb(self, first: int, end: int) -> int:
        """Index of the clause's first finite verb after its subject, or -1."""
        words = self.words
        for j in range(first, end - 1):
            if words[j] in _PRONOUN_SUBJECTS and words[j] not in ("me", "myself", "you"):
                k = _skip_adverbs(words, j + 1, end)
                if k < end and ((words[k].isalpha() and words[k] not in _CLOSED_CLASS)
                                or words[k] in _AUX):
                    return k  # "Every few months I snip …"
        for j in range(first + 1, end):
            x = words[j]
            prev = words[j - 1]
            if prev == "," and (x.endswith("ed") or x in _PAST_IRREGULAR):
                continue  # "a dab of acid on each scar, left for two minutes"
            if x in _AUX or x in _FINITE or x in _PAST_IRREGULAR:
                return j
            if prev in _DETERMINERS or prev in ("to", "of", "for", "with"):
                continue
            if (prev in _PEOPLE or prev in _THIRD_PERSON or prev in _PRONOUN_SUBJECTS
                    or prev in CLINICIANS) and x.isalpha() and x not in _CLOSED_CLASS:
                return j  # "thousands of people search …", "a patient came …"
            nxt = words[j + 1] if j + 1 < end else ""
            if (words[first] in _DETERMINERS or words[first].endswith("ing")) and len(x) > 3 and (
                    x.endswith("ed") or (x.endswith("s") and not x.endswith(("ss", "us", "is")))
            ) and x.isalpha() and x not in _CLOSED_CLASS and (
                    nxt in _OBJECT_STARTS or nxt in _DETERMINERS or _is_adverb(nxt)
                    or nxt in _AUX or nxt in ("what", "how", "why", "that", "which", "whether")
            ) and not prev[:1].isdigit():
                return j  # "The tag collects …", "Removing a mole at home destroys …"
            nxt = words[j + 1] if j + 1 < end else ""
            if x.isalpha() and x not in _CLOSED_CLASS and prev.endswith("s") and (
                    prev not in self.verbs and prev not in _CLOSED_CLASS) and (
                    nxt in _DETERMINERS or nxt[:1].isdigit() or nxt in _OBJECT_STARTS):
                return j  # "Online kits sell 70 % TCA": a plural subject, then its verb
            if x in self.verbs and (prev in _PRONOUN_SUBJECTS or (
                    prev.endswith("s") and prev not in self.verbs) or (
                    words[first].endswith("s") and words[first] not in _CLOSED_CLASS)):
                return j  # "Surgeons use …", "I nick …" (not "a tiny poke")
            if len(x) > 3 and x.endswith(("s", "ed")) and any(
                    b in self.verbs for b in base_forms(x)):
                return j  # "works", "pushes", "opened", "dipped"
        return -1

    def _first_person(self, verb: int, end: int) -> str:
        """'I nick mine with a blade': a method offered in the present is an instruction;
        a past narrative is not, unless it ends in praise ("… and it worked perfectly")."""
        words = self.words
        x = words[verb]
        if x in ("have", "'ve", "has", "had"):
            nxt = _skip_adverbs(words, verb + 1, end)
            if nxt < end and words[nxt] in _COGNITION:
                return "description"  # "I have since learned that many people …"
        if x in _COGNITION:
            return "description"  # "We know that squeezing spreads it", "I think people …"
        nxt = _skip_adverbs(words, verb + 1, end) if x in ("have", "'ve", "has") else verb
        past = x in _PAST_IRREGULAR or x.endswith("ed") or x in ("had", "did", "was", "were") or (
            nxt < end and nxt != verb and (
                words[nxt].endswith("ed") or words[nxt] in _PAST_IRREGULAR))
        if past:
            if _HARM.intersection(self.words) or _PRAISE.isdisjoint(self.words):
                return "description"
            return INSTRUCTION
        we = not _WE.isdisjoint(self.words[:verb])
        if self._clinician_agent(0, len(self.words)) or (we and not self._at_home(0, end) and (
                self.context == IN_CLINIC or x in _OFFERS
                or not _CLINICAL.isdisjoint(self.words[verb:end]))):
            return "clinician"  # "In the clinic we nick the surface": the clinic's method
        return INSTRUCTION

    def _recommends(self, first: int, verb: int, end: int) -> bool:
        """Does the clause praise its subject as a way to do it ("… works", "… in one go")?
        Not when it says the opposite ("Pressing on them rarely works")."""
        words = self.words
        if not _DISPRAISE.isdisjoint(words[max(first, verb - 2):end]):
            return False
        if _phrase_in(words, first, end, _RECOMMENDING):
            return True
        x = words[verb]
        if x in ("is", "are", "'s", "was", "will", "would"):
            for k in range(verb + 1, min(end, verb + 5)):
                if words[k] in _PRAISE_ADJ:
                    return True
                if words[k] not in ("be", "a", "an", "the", "really", "very", "so", "just",
                                    "much", "perfectly", "pretty", "quite", "actually",
                                    "honestly", "totally", "also", "your", "my", "our"):
                    break
        return False

    def _at_home(self, first: int, end: int) -> bool:
        """Does the clause place the act at home or on the reader ("at home", "yourself")?"""
        words = self.words
        if not _phrase_in(words, first, end, _HOME):
            return False
        negated = self.negated_span(first, end)
        return any(_any_start(words, k, _HOME) and not negated[k - first]
                   for k in range(first, end))

    def _imperative(self, first: int, end: int) -> str:
        words = self.words
        w = words[first]
        if w in _REFERRAL and self._clinician_agent(first, end):
            return "clinician"
        if w in ("have", "get", "let", "having", "getting"):
            for x in words[first + 1:first + 6]:
                if x in _PARTICIPLES_IRREGULAR or (x.endswith("ed") and x not in ("need",)
                                                   and len(x) > 4):
                    return "clinician"  # "have it lanced": someone else does it
        if w == "leave" and any(is_clinician_word(words, j) for j in range(first, end)):
            return "clinician"
        return self._instruction(first, end)

    def _instruction(self, first: int, end: int) -> str:
        """An instruction, unless a clinician is the one who acts in it ("ask your doctor to …"),
        or the step completes a clinician's sentence ("Your dermatologist will:") or stands
        in a table's "Don't" column."""
        if self._clinician_agent(first, end) or self.context == CLINICIAN_LEAD:
            return "clinician"
        if self.context == NEGATIVE_COLUMN:
            return "prohibition"
        return INSTRUCTION

    def _fragment(self, first: int, end: int) -> str:
        """A verbless step ("3. Pricking the bump with a pin."): an instruction, unless the list
        it stands in is labelled as mistakes, myths or causes. Only fragments take their
        meaning from a lead-in: a full sentence is read by itself (contract §1)."""
        if self._clinician_agent(0, len(self.words)):
            return "clinician"  # "Peels over 30 %, and any TCA, belong in a clinic"
        if self.heading:
            return "description"  # a title: "The air-duster wart hack"
        if self._harms(first, end):
            return "consequence"  # "- causing a painful reaction and a bigger scar"
        w = self.words[first]
        nxt = self.words[first + 1] if first + 1 < end else ""
        if (w in _PARTICIPLES_IRREGULAR or (w.endswith("ed") and len(w) > 4)) and nxt in (
                "with", "by", "under", "using", "in", "at", "off", "out", "during", "after"):
            return "description"  # "Frozen with liquid nitrogen", "Removed under local"
        if self.cell and self.context != STEPS:
            return "description"  # a table cell naming a method: "TCA CROSS planned"
        if not self.in_list and not _PEOPLE.union(_THIRD_PERSON, _HEARSAY_SUBJECTS).isdisjoint(
                self.words[first:end]):
            return "description"  # a sentence about other people whose verb no list knows
        if self.context in (_CONTEXT_NEGATIVE, NEGATIVE_COLUMN):
            return "prohibition"
        if self.context in (_CONTEXT_CLINICIAN, _CONTEXT_DESCRIPTIVE, CLINICIAN_LEAD):
            return "description"
        return INSTRUCTION

    def _clinician_agent(self, first: int, end: int) -> bool:
        """Is a clinician the one who acts in this clause, or the clinic the place?

        The subject ("A dermatologist can lance it"), an agent after a referral or "by"
        ("Ask your doctor to", "have it removed by a professional"), a clinician who does
        something next ("your dermatologist will …", "a doctor, who can …"), or a clinic
        setting ("in the clinic we …"). A clinician merely named ("Forget the dermatologist
        and …", "save yourself the doctor's bill") is not the actor.
        """
        words = self.words
        span = words[first:end]
        if CLINICIANS.isdisjoint(span) and _CLINIC_HINTS.isdisjoint(span):
            return False  # the common case, without scanning for negated phrases
        negated = self.negated_span(first, end)
        for j in range(first, end):
            if negated[j - first]:
                continue
            if _any_start(words, j, _CLINIC_SETTINGS) and j + 1 < end:
                return True
            if not is_clinician_word(words, j):
                continue
            if not {"like", "as", "than"}.isdisjoint(words[max(first, j - 3):j]):
                continue  # "freezes it just like the doctor does": a comparison, not the actor
            before = words[first:j]
            if all(x in _SUBJECT_PREMODIFIERS or _is_adverb(x) or x in _FILLERS for x in before):
                return True  # the subject: "Your board-certified dermatologist can …"
            nxt = words[j + 1] if j + 1 < end else ""
            if nxt in _AGENT_NEXT:
                return True
            if any(x == "by" or x in _REFERRAL for x in words[max(first, j - 4):j]):
                return True
        return False

    def negated_span(self, start: int, end: int) -> list[bool]:
        """For tokens ``[start, end)``: inside "instead of …", "without …", "not …"?"""
        words = self.words
        out = [False] * (end - start)
        if not _phrase_in(words, start, end, _NEGATED_MENTION):
            return out  # the common case: nothing negated here
        j = start
        while j < end:
            phrase = _any_start(words, j, _NEGATED_MENTION)
            if phrase == ("no",) and j + 1 < end and words[j + 1] in _NO_NEGATION:
                phrase = None  # "no reason you can't …", "no need to wait": permits
            if phrase == ("than",) and ("more" in words[max(start, j - 4):j]
                                        or "better" in words[max(start, j - 4):j]):
                phrase = None  # "nothing more satisfying than squeezing it": praise
            if phrase and (j > start or len(phrase) > 1):
                k = j + len(phrase)
                if k < end and words[k] == "to":
                    out[k - start] = True  # "not to your moles"
                    k += 1
                while k < end and words[k] not in _NEGATED_MENTION_END and words[k] not in (
                        ",", ";", ":", "—", ")"):
                    out[k - start] = True
                    k += 1
                j = k
            else:
                j += 1
        return out


def read_sentence(words: list[str], verbs: frozenset[str], *, in_list: str | bool = False,
                  context: str | None = None, question: bool = False,
                  heading: bool = False, cell: bool = False) -> Reading:
    """Read one sentence: which clauses instruct the reader, which tokens belong to them.

    ``words`` are the normalised tokens of the sentence (``words.token_norms``).

    ``in_list`` is "ordered" in a numbered list, True in another list or a table cell;
    ``verbs`` are the base forms that can open an imperative (IMPERATIVE_VERBS and the
    rule verbs); ``context`` is "negative" under a "What not to do" heading or lead-in,
    "clinician" under "What your dermatologist does"; ``question`` when it ends in '?'.
    """
    state = _Sentence(words, verbs, in_list=in_list, context=context, heading=heading, cell=cell)
    spans = state.split()
    clauses: list[Clause] = []
    rest_kind: str | None = "question" if question else None
    loose: list[int] = []
    for start, end in spans:
        state.loose = False
        kind = rest_kind or state.classify(start, end)
        if _endorses(state.words, start, end):
            kind = INSTRUCTION  # "…, so go ahead and do it": the sentence's act, endorsed
            state.substitute = state.endorsed = True
        if state.loose:
            loose.append(len(clauses))
        if clauses and state.coordinated(start, end, clauses[-1]):
            kind = clauses[-1].kind  # "Never squeeze or pick them", "It helps … and makes …"
        if kind == "label":
            label = set(state.words[start:end])
            if label & _MYTH_LABELS:
                rest_kind = "hearsay"
            elif label & _NEGATIVE_LABELS:
                rest_kind = "prohibition"
        elif kind == "hearsay":
            rest_kind = "hearsay"
        elif state.words[end - 1] == ":" and (kind == "clinician" or (
                kind not in (INSTRUCTION, "prohibition") and state._clinician_agent(start, end))):
            rest_kind = "clinician"  # "Here's what your dermatologist will do: …"
        clauses.append(Clause(start, end, kind))
    clauses = _mark_reported(state, _mark_disavowed(state, _mark_conditionals(state, clauses)))
    clauses = _mark_caveats(state, clauses)
    for idx, clause in enumerate(clauses):
        if idx and clause.kind == INSTRUCTION and (
                words[clause.start] == "so" or (words[clauses[idx - 1].end - 1] == ":"
                                                 and clauses[idx - 1].kind == INSTRUCTION)) and (
                _ANAPHORIC.intersection(words[clause.start:clause.end])):
            state.substitute = True  # "Lemon juice burns them off, so dab it on at night"
    for clause in clauses:
        if clause.kind == INSTRUCTION and _phrase_in(words, clause.start, clause.end,
                                                     _DO_THE_SAME):
            state.used.extend(range(clause.start, clause.end))  # "do the same with a lancet"
            state.substitute = True
    has_instruction = any(c.kind == INSTRUCTION for c in clauses)
    if not has_instruction:
        return Reading(tuple(clauses), (), (), ())  # nothing to match acts against
    n = len(words)
    active = [False] * n
    context = [False] * n
    clause_of = [0] * n
    for idx, clause in enumerate(clauses):
        for j in range(clause.start, clause.end):
            clause_of[j] = idx
        counts = clause.kind == INSTRUCTION or (has_instruction and clause.kind in ATTACHED) or (
            state.substitute and clause.kind not in _NEVER_ACTIVE) or (
            state.endorsed and clause.kind == "hearsay")  # "You might have heard …, so go for it"
        if not counts and has_instruction and clause.kind == "description" and idx and clauses[
                idx - 1].kind == INSTRUCTION and state.words[clauses[idx - 1].end - 1] == ":":
            counts = True  # "You'll need: a sewing needle and alcohol"
        # Nouns of the sentence's subordinate clauses: "If the tag is small, snip it off",
        # "Press from the sides until the pus comes out".
        if counts or (has_instruction and clause.kind in _CONTEXT_KINDS):
            negated = state.negated_span(clause.start, clause.end)
            target = active if counts else context
            for j in range(clause.start, clause.end):
                target[j] = not negated[j - clause.start]
    return Reading(tuple(clauses), tuple(active), tuple(clause_of), tuple(context),
                   tuple(state.used), frozenset(loose))


_DISAVOWALS = (
    ("we", "don't", "recommend"), ("we", "do", "not", "recommend"), ("i", "don't", "recommend"),
    ("i", "do", "not", "recommend"), ("we", "wouldn't", "recommend"),
    ("i", "wouldn't", "recommend"),
    ("we", "would", "not", "recommend"), ("we", "never", "recommend"), ("please", "don't"),
    ("please", "do", "not"), ("don't", "do", "it"), ("don't", "do", "this"), ("don't", "try", "it"),
    ("it", "is", "not", "recommended"), ("it's", "not", "recommended"), ("this", "is", "not"),
    ("it", "isn't", "recommended"), ("this", "isn't"), ("we", "advise", "against"),
    ("that", "is", "not", "recommended"), ("we", "strongly", "advise", "against"),
    ("dermatologists", "advise", "against"), ("doctors", "advise", "against"),
    ("it's", "not", "safe"), ("it", "is", "not", "safe"), ("it's", "not", "a", "good", "idea"),
    ("that's", "not", "recommended"), ("this", "is", "dangerous"), ("it's", "dangerous"),
)


_ENDORSEMENTS = (
    ("go", "ahead"), ("go", "for", "it"), ("do", "it"), ("do", "this"), ("try", "it"),
    ("try", "this"), ("give", "it", "a"), ("it", "works"), ("it", "worked"),
    ("so", "should", "you"), ("you", "should", "too"), ("you", "can", "too"),
    ("you", "could", "too"), ("works", "a", "treat"),
    ("i", "swear", "by", "it"), ("highly", "recommend"), ("i'd", "do", "it", "again"),
    ("worth", "a", "try"), ("worth", "a", "go"), ("worth", "it"),
)


# Too common to pre-check for: a sentence holds one of these whatever it says.
_COMMON = frozenset("""
your that this with just what home them every first last next will time like make take well
days hours minutes week second seconds within thing step give gives gets lets burn burns kill
""".split())


# Words without one of which no clause recommends a tool it names as its subject or
# complement ("a pin does the job", "your best bet is black salve"): the engine's word
# pre-check counts them as a "use".
IMPLIES_USE = frozenset(
    w for phrases in (_RECOMMENDING, _SUBSTITUTES, _DO_THE_SAME) for p in phrases for w in p
    if len(w) > 3 and w not in _COMMON
) | _PRAISE_ADJ | _ADVICE_NOUNS | frozenset({"same", "job", "does", "beats", "bet"})
IMPLIES_USE -= _COMMON | {"to", "all", "go", "first", "next", "last", "step", "time"}


def _endorses(words: list[str], start: int, end: int) -> bool:
    """Is the clause just an endorsement of the sentence's act ("so go ahead and do it")?"""
    if not _phrase_in(words, start, end, _ENDORSEMENTS):
        return False  # the common case
    content = [w for w in words[start:end]
               if w[:1].isalnum() and w not in _FILLERS and not _is_adverb(w)]
    for at in range(len(content)):
        phrase = _any_start(content, at, _ENDORSEMENTS)
        if phrase and len(content) - len(phrase) <= 4:
            return not (_NEGATORS.intersection(content) or "not" in content)
    return False


def _mark_disavowed(state: _Sentence, clauses: list[Clause]) -> list[Clause]:
    """'You can lance it, but we don't recommend it': the writer takes the instruction back."""
    words = state.words
    for idx, clause in enumerate(clauses):
        if idx == 0 or words[clause.start] not in ("but", "though", "although", "however"):
            continue
        j = clause.start + 1
        while j < clause.end and words[j] in (",", "honestly", "really", "seriously"):
            j += 1
        phrase = _any_start(words, j, _DISAVOWALS)
        if phrase is None:
            continue
        rest = words[j + len(phrase):clause.end]
        if phrase[-1] in ("don't", "not") and rest and rest[0] not in (".", "!", "it", "this",
                                                                         "that", "do", "try"):
            continue  # "but don't squeeze it afterwards" limits the act, does not take it back
        return [Clause(c.start, c.end, "description") if c.kind == INSTRUCTION and n < idx else c
                for n, c in enumerate(clauses)]
    return clauses


_SAID = frozenset("""
says said tells told claims claimed writes wrote recommends recommended suggests suggested swears
swore insists insisted explains explained advises advised adds added notes noted
""".split())


_REJECTED = (("is", "not"), ("isn't",), ("is", "never"), ("is", "a", "myth"), ("is", "bad"),
             ("is", "wrong"), ("is", "dangerous"), ("are", "not"), ("aren't",), ("is", "terrible"),
             ("is", "the", "worst"), ("does", "not"), ("doesn't",))


def _mark_reported(state: _Sentence, clauses: list[Clause]) -> list[Clause]:
    """'"Prick it with a pin," my aunt told me': a quotation with its speaker is hearsay."""
    words = state.words
    if '"' not in words and "”" not in words and "»" not in words:
        return clauses  # no quotation: nothing to attribute
    for i, w in enumerate(words):
        if w not in ('"', "”", "»") or i == 0:
            continue
        after = [x for x in words[i + 1:i + 6] if x not in (",", ".")]
        if any(x in _SAID for x in after[:4]) or _any_start(after, 0, _REJECTED):
            # a quotation with its speaker, or rejected: '"just cut it open" is not the answer'
            return [Clause(c.start, c.end, "hearsay") if c.start < i else c for c in clauses]
    return clauses


# Clauses a substitution or endorsement never makes part of the instruction.
# "X is sometimes suggested online as …": reported, whoever suggests it.
_PASSIVE_HEARSAY = tuple(
    (aux, *adv, verb) for aux in ("is", "are", "was", "were", "gets", "get")
    for adv in ((), ("sometimes",), ("often",), ("widely",), ("still",), ("commonly",))
    for verb in ("suggested", "recommended", "touted", "promoted", "advertised", "sold",
                 "shared", "posted", "circulated", "marketed", "pushed", "described"))
_NEVER_ACTIVE = frozenset({"prohibition", "alternative", "question", "consequence", "hearsay"})
_ANAPHORIC = frozenset({"it", "them", "some", "little", "one", "this", "that"})


def _mark_caveats(state: _Sentence, clauses: list[Clause]) -> list[Clause]:
    """'Popping it yourself feels satisfying, but it doubles the healing time': a gerund
    described, then its harm, is a consequence, not a recommendation."""
    words = state.words
    out = list(clauses)
    for idx in range(len(out) - 1):
        clause, nxt = out[idx], out[idx + 1]
        first = _skip_fillers(words, clause.start, clause.end)
        if clause.kind != INSTRUCTION or not words[first].endswith("ing"):
            continue
        if words[nxt.start] in ("but", "though", "although", "however", "yet") and (
                _HARM.intersection(words[nxt.start:nxt.end])
                or _phrase_in(words, nxt.start, nxt.end, _HARM_PHRASES)
                or _phrase_in(words, nxt.start, nxt.end, _HARM_GROWTH)):
            out[idx] = Clause(clause.start, clause.end, "consequence")
    return out


_HARM_GROWTH = (("doubles",), ("triples",), ("longer",), ("slower",), ("worse",))


def _mark_conditionals(state: _Sentence, clauses: list[Clause]) -> list[Clause]:
    """'Pop them and you'll scar': an imperative joined to its bad outcome is a consequence."""
    out = list(clauses)
    for idx in range(len(out) - 1):
        nxt = out[idx + 1]
        words = state.words
        if out[idx].kind != INSTRUCTION or words[nxt.start] not in ("and", "or"):
            continue
        outcome = words[nxt.start:nxt.end]
        if _NEGATORS.intersection(outcome) or "not" in outcome:
            continue  # "… and they never get infected": a good outcome, promised
        if nxt.kind in ("consequence", "description") and state._consequence_at(nxt.start + 1):
            out[idx] = Clause(out[idx].start, out[idx].end, "consequence")
    return out


def in_clinic(words: list[str]) -> bool:
    """Does this text (normalised tokens) place what it tells in a clinic ("## In the clinic",
    "At our practice we …")?"""
    if _CLINIC_HINTS.isdisjoint(words) and "clinic" not in words:
        return False  # the common case, without looking for the phrases
    return "clinic" in words or _phrase_in(words, 0, len(words), _CLINIC_SETTINGS)


def table_context(headers: list[str]) -> str | None:
    """A table whose header asks who does it ("Who does it", "Done by") describes clinicians:
    its verbless cells ("Lancing with a sterile blade") are not steps."""
    words = set(" ".join(headers).lower().replace("?", " ").split())
    if words & {"who", "performed", "provider", "clinician", "done"}:
        return _CONTEXT_CLINICIAN
    return None


def column_context(header: str) -> str | None:
    """The context a table's header cell gives the cells under it ("Don't": prohibitions)."""
    context = heading_context(header)
    return NEGATIVE_COLUMN if context == _CONTEXT_NEGATIVE else context


def lead_in_context(text: str) -> str | None:
    """The context a paragraph ending in ':' gives the list after it.

    As a heading does (``heading_context``), and "clinician-lead" when the lead-in is a
    clinician's sentence left open for the steps: "Your dermatologist will usually:".
    """
    lowered = " ".join(text.lower().replace("’", "'").split()).rstrip(": ")
    words = lowered.split()
    if words and words[-1] in _LEAD_MODALS:
        reading = _Sentence([*words, "do"], frozenset({"do"}), in_list=False, context=None)
        if reading._clinician_agent(0, len(words) + 1):
            return CLINICIAN_LEAD
    return heading_context(text)


def heading_context(text: str) -> str | None:
    """The context a heading or a list's lead-in gives the list items under it, or None.

    "negative" for "Mistakes to avoid", "Myths", "What not to do"; "clinician" for
    "What your dermatologist does". A how-to or at-home heading gives none.
    """
    lowered = " ".join(text.lower().replace("’", "'").replace("-", " ").split())
    words = set(lowered.replace(":", " ").replace("?", " ").replace(",", " ").split())
    if any(p in lowered for p in ("how to", "step by step", "steps", "here's how",
                                  "here is how", "method", "routine", "instructions")):
        return STEPS
    if any(p in lowered for p in ("at home", "yourself", "diy", "your own")):
        return None
    if any(p in lowered for p in ("what you'll need", "what you need", "you'll need",
                                  "you will need", "what you will need", "supplies", "materials",
                                  "tools you", "equipment", "what to buy")):
        return SUPPLIES
    first = lowered.split()[0] if lowered.split() else ""
    if words & {"causes", "cause", "risks", "complications", "triggers", "symptoms", "signs",
                "side", "effects", "dangers", "why"} and not words & {"steps", "step", "method"}:
        return _CONTEXT_DESCRIPTIVE  # "Causes of small scars: - Picking at spots"
    if (words & {"mistake", "mistakes", "myth", "myths", "don'ts", "dont's", "donts"}
            or any(p in lowered for p in ("not to do", "to avoid", "should not", "shouldn't",
                                          "never do", "why not", "bad idea"))
            or first in ("never", "don't", "avoid", "stop")
            or (words & {"dangerous", "unsafe", "risky"}
                and words & {"methods", "hacks", "remedies", "tricks", "advice", "ideas",
                             "practices", "things", "habits"})):
        return _CONTEXT_NEGATIVE
    if words & {"dermatologist", "dermatologists", "doctor", "doctors", "professional",
                "professionals", "clinic", "physician", "physicians", "clinical", "surgical",
                "dermatologist's", "doctor's", "in office", "office"} and "grade" not in words and (
            "you" not in words and "you'll" not in words and "you can" not in lowered):
        return _CONTEXT_CLINICIAN
    return None
