"""Common English given names and their short forms, written for this project.

Each line is one family of names: a formal name first, then the short and pet forms people
give at a counter ("Bob" for "Robert"). A name may sit in more than one family ("Chris" is
Christopher and Christine; "Alex" is Alexander and Alexandra). Normalised: lower case,
no accents or punctuation (customers.matching.normalise_name).
"""

from __future__ import annotations

from functools import cache

_FAMILIES = """
abigail abby abbie gail
adam ad
albert al bert bertie
alexander alex alec alick sandy xander lex
alexandra alex alexa lexie sandra sandy
alfred alf alfie fred freddie
alice ally allie
alison ali ally allie
amanda mandy manda
andrew andy drew
angela angie
anne ann annie nan nancy anna
anthony tony ant
archibald archie archy
arthur art artie
barbara barb babs barbie
benjamin ben benny benji
bernard bernie
beatrice bea trixie
bradley brad
brian bri
caroline carol carrie caz lina
catherine cathy cath kate katie kathy kat cate
charles charlie chas chuck chaz
charlotte charlie lottie lotte
christina chris tina chrissie
christine chris chrissie tina
christopher chris kit topher
cynthia cindy
daniel dan danny
david dave davey dai
deborah debbie debs deb
dennis den
dominic dom
donald don donny
dorothy dot dotty dolly
douglas doug dougie
edward ed eddie ted teddy ned
edmund ed eddie ned
eleanor ellie nell nellie elle nora
elizabeth liz lizzie beth betty bess bessie betsy eliza lisa libby elsie lizzy
emily em emmy millie
emma em emmy
eugene gene
frances fran frankie fanny
francis frank frankie fran
frederick fred freddie freddy fritz
gabriel gabe gabby
gabrielle gabby gaby
geoffrey geoff jeff
gerald gerry ged
gerard gerry ged
gillian gill jill gilly
gregory greg
harold harry hal
harriet hattie harry
helen nell nellie
henry harry hal hank
herbert herb bert
isabel isabelle izzy bella belle isobel
isabella izzy bella
jacob jake jack
jacqueline jackie jacqui
james jim jimmy jamie jim
jane jenny janey
janet jan jenny
jennifer jen jenny jenna
jessica jess jessie
joanna jo joanne
joanne jo
john jack johnny jon
jonathan jon jonny nathan
joseph joe joey jo
josephine jo josie jose
joshua josh
judith judy jude
julia jules julie
julian jules
katherine kate katie kathy kath kat kit
kathleen kath kathy kate
kenneth ken kenny
lawrence larry laurie lol
laurence larry laurie lol
leonard len lenny leo
lewis lew lou
louis lou lew
louise lou lulu
lucy lu
margaret maggie meg peggy marge margie madge greta daisy molly maisie mags
marjorie marge margie
martin marty
mary molly polly mae mamie
matilda tilly tilda mattie
matthew matt matty
maureen mo
melissa mel missy
michael mike mick micky mikey
michelle shelley
mohammed muhammad mohammad mohamed mo
nathan nat nate
nathaniel nat nate nathan
nicholas nick nicky nico
nicola nicky nikki
norman norm
oliver ollie olly noll
olivia liv livvy ollie
pamela pam
patricia pat patty tricia trish patsy
patrick pat paddy
penelope penny
peter pete
philip phil pip
phillip phil pip
rachel rach
raymond ray
rebecca becky becca bex
richard rich rick ricky dick dickie
robert rob robbie bob bobby bert
robin rob
rodney rod
ronald ron ronnie
rosemary rose rosie
samantha sam sammy
samuel sam sammy
sarah sally sadie sara
sebastian seb
sidney sid
sophia sophie
sophie soph
stanley stan
stephen steve stevie
steven steve stevie
stuart stu
susan sue suzy susie sukie
suzanne sue suzy
terence terry tel
theodore theo ted teddy
thomas tom tommy
timothy tim timmy
valerie val
victor vic
victoria vicky vicki tori
vincent vince vinny
walter walt wally
william will bill billy willie liam wills
winifred winnie freda
zachary zach zack
""".strip()


@cache
def _families() -> dict[str, frozenset[int]]:
    """Each name -> the families (line numbers) it belongs to."""
    found: dict[str, set[int]] = {}
    for number, line in enumerate(_FAMILIES.splitlines()):
        for name in line.split():
            found.setdefault(name, set()).add(number)
    return {name: frozenset(families) for name, families in found.items()}


def are_nicknames(a: str, b: str) -> bool:
    """Whether two normalised given names are forms of one name ("bob", "robert")."""
    if not a or not b or a == b:
        return False
    families = _families()
    return bool(families.get(a, frozenset()) & families.get(b, frozenset()))


def formal_names(name: str) -> set[str]:
    """The formal names `name` may be short for (its own family heads), for look-ups."""
    lines = _FAMILIES.splitlines()
    return {lines[n].split()[0] for n in _families().get(name, frozenset())}


def nickname_forms(name: str) -> set[str]:
    """Every name sharing a family with `name` (its short and formal forms), itself included
    when it is in the table."""
    lines = _FAMILIES.splitlines()
    return {other for n in _families().get(name, frozenset()) for other in lines[n].split()}
