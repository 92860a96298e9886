"""Per-document decisions. Base: pass A's resolved spans. Operations: take_b (B's span
replaces A's overlapping span), drop, mod, add. Rule names refer to ADJUDICATION-324-346.md."""

def d324(d):
    # E1 capitalised full names of EU bodies are one ORG (dev 120 "EU Mission in Armenia", dev 202
    # "EU Monitoring Mission in Georgia"); lower-case "monitoring" does not stop the name (sec. 4 case rule)
    d.take_b('entities', 'EU monitoring Mission in Armenia')
    d.take_b('entities', 'EU Delegation to Armenia')
    # Markus Ritter: A's canonical kept (dev 268 spelling, one canonical per person)
    # both missed: social platforms are ORG (dev 273 Telegram, 281 X), lower case still tagged
    d.add('entities', 'twitter', label='ORG', canonical='Twitter')
    # "Wednesday (16 August)": one DATE like "Monday, Oct.31" (A)

def d327(d):
    # Mammadov "Russia's discomfort with the growing bilateral agreements": a hedged, plain report of a
    # critical reading -> -0.3 (B)
    d.mod('mediation', 'Mammadov highlights', score=-0.3)
    # A's lead ("geopolitical chess ... strategic maneuvers", -0.3) and "Analysts ... Moscow's stance"
    # (neutral) kept: Zakharova's criticism is the guarantor's complaint about the trilateral statement
    # "Lachyn road": lower-case descriptive phrase, only the place is tagged (A)

def d328(d):
    # the whole text is Borrell's statement; nominal "EU calls for ..." is background, no quote (B)
    d.drop('quotes', 'reducing tensions')

def d330(d):
    # split-statement rule: the sentence that names the Russian official speaking in the Minsk Group
    # role and the closing "..., she said." are Russia spans, neutral (losing mediator complains) (B)
    d.take_b('mediation', 'I doubt the sincerity')
    d.take_b('mediation', 'It will be necessary')
    # "demonstratively cut off contacts with the Russian co-chair ... without any consultations" =
    # squeezing Russia out -> -0.8 (B; first batch 158/120)
    d.mod('mediation_us', '"If Washington and Paris', score=-0.8)
    # no quotation marks -> reported, without the stray final period (B)
    d.take_b('quotes', 'I doubt the sincerity')

def d332(d):
    # Putin briefing Pashinyan on his Baku visit: bilateral report, not tied to the settlement (B)
    d.drop('mediation', 'The statement said Putin briefed')
    # "It is reported that the Kremlin issued a statement": agentless source line, content is an event (B)
    d.drop('quotes', 'the Kremlin issued a statement')

def d333(d):
    # "extended his gratitude to X who ...": NP complement of express/voice (batch 2) (B)
    d.take_b('quotes', 'his gratitude to the Russian Border Guard Troops')

def d337(d):
    # O'Brien's "we have canceled many visits ... to condemn Azerbaijan's actions": bilateral measure (B)
    d.drop('mediation_us', 'Therefore, we have canceled')
    # entities: A (Karabakh in the lower-case "the future of Karabakh"; Subcommittee and Committee as two
    # names; Bureau of Europe and Eurasia tagged; official canonicals)

def d338(d):
    # "up to 20 years": the modifier is inside the extent like "less than 48 hours" (B)
    d.take_b('dates', 'up to 20 years')

def d340(d):
    # "the destructive fanaticism the Americans use" = destabilising -> -0.8 (B)
    d.mod('mediation_us', 'She added that Moscow sees', score=-0.8)
    # "such persuasion was carried out during recent visits": plain attribution, -0.3 (A)

def d342(d):
    # Pompeo's "Today" = the day of the negotiation the State Department dates October 24, 2020 (B;
    # anaphoric time expression takes its referent's value, batch-2 221/218)
    d.take_b('dates', 'Today')

def d343(d):
    # "the EU Foreign Affairs Council held in Brussels on 13 November" is the meeting (an event, no
    # span, nothing nested), like "upcoming Foreign Affairs Councils" which neither tagged (B)
    d.drop('entities', 'EU Foreign Affairs Council')
