#!/usr/bin/env python3
"""Build the adjudicated files for 301-323: pass A's input form is the base; every
decision below is an explicit edit (with the rule as a comment). Then resolve.
usage: build.py [NNN ...]"""
import copy, json, subprocess, sys
BASE = '/work/news3'

def load(p, d):
    return json.load(open(f'{BASE}/{p}/{d}.ann.json'))

def find(lst, text, nth=1):
    k = 0
    for i, x in enumerate(lst):
        if x[0] == text:
            k += 1
            if k == nth:
                return i
    raise KeyError(text)

def extras(item, n):
    if len(item) == n:
        item.append({})
    return item[n]

def edits(d, A, B):
    if d == '302':
        # condemn + NP complement is a reported span (batch 2: condemn 218/284/285) -> B
        i = find(B['quotes'], 'this last episode')
        A['quotes'].insert(1, copy.deepcopy(B['quotes'][i]))
    if d == '303':
        # Blinken (the host) praising the parties' courageous steps = stated optimism about
        # progress, +0.3 (guidelines 4; dev 156 "frank and productive") -> B, same as A's score
        # for the quoted remark itself
        for t in ('Blinken hosts Armenia and Azerbaijan ministers, praises courageous steps',):
            i = find(A['mediation_us'], t); A['mediation_us'][i][1:3] = ['positive', 0.3]
        i = [k for k, x in enumerate(A['mediation_us']) if x[0].startswith('US Secretary of State Antony Blinken on Monday praised')][0]
        A['mediation_us'][i][1:3] = ['positive', 0.3]
    if d == '306':
        # "a Brussels diplomatic source": Brussels locates the source, does not act as the EU
        # (section 4 metonymy); "ambassadors to Brussels" = addressed as the EU, keeps refers_to
        i = find(A['entities'], 'Brussels', 2)
        A['entities'][i][3].pop('refers_to')
        if not A['entities'][i][3]: A['entities'][i].pop()
    if d == '307':
        # "Russian dictator Vladimir Putin" in the sentence reporting his hosting of the talks:
        # the author's evaluative label for the mediator, -0.3 (like batch 2 279 "the
        # controversial arrangement") -> B
        A['mediation'][0][1:3] = ['negative', -0.3]
    if d == '323':
        # "recently" is PAST_REF by section 4 also in "most recently in 2023" -> B
        i = find(B['dates'], 'recently')
        A['dates'].insert(2, copy.deepcopy(B['dates'][i]))
    if d == '308':
        # ONA relays the co-chairs' joint statement (headline): outlet transparent (batch 2 N1,
        # dev 212) -> holder and speaker OSCE Minsk Group (B)
        for l in ('mediation', 'mediation_us'):
            A[l][0][3] = 'OSCE Minsk Group'
        A['quotes'][0][2] = 'OSCE Minsk Group'
    if d == '311':
        # the time resolved on the text date "Nov. 30" carries it as anchor (Rule M, batch 2 218) -> B
        i = find(A['dates'], '11:59 p.m.')
        extras(A['dates'][i], 3)['anchor'] = 'XXXX-11-30'
        # "submitted a request to the OSCE to abolish ...": a request is a communication,
        # "to V" complement (call on X to V rule) -> B, speaker null (two ministers)
        i = find(B['quotes'], 'to abolish the Minsk Group')
        A['quotes'].append(copy.deepcopy(B['quotes'][i]))
    if d == '312':
        # one canonical per village across the set: dev 125 "Parukh" -> B
        i = find(A['entities'], 'Furukh'); A['entities'][i][2] = 'Parukh'
    if d == '313':
        # a request for military support under the bilateral friendship treaty / CSTO is not
        # Russia judged in a mediator or guarantor role (batch 2 R-guarantor, alliance matters) -> B
        A['mediation'] = [m for m in A['mediation'] if not m[0].startswith('Pashinyan said that his government has asked Russia')]
    if d == '314':
        # ranges give one span per member ("May 12-14", batch 2) -> B's "2" P2D
        i = find(A['dates'], '3 days')
        A['dates'].insert(i, ['2', 'DURATION', 'P2D'])
    if d == '316':
        # "12:00 on 10 October 2020": the time takes its date from the text date -> anchor (B)
        i = find(A['dates'], '12:00')
        extras(A['dates'][i], 3)['anchor'] = '2020-10-10'
    if d == '317':
        # longest name, as dev 243 "Fourth Department of the CIS Countries of the Russian
        # Ministry of Foreign Affairs" -> B's single ORG
        i = find(A['entities'], 'Fourth Department of the CIS Countries')
        j = find(B['entities'], 'Fourth Department of the CIS Countries at the Russian Foreign Ministry')
        A['entities'][i:i + 2] = [copy.deepcopy(B['entities'][j])]
        # outlets by brand name (Trend, Tasnim) -> "Report" (B)
        i = find(A['entities'], 'Report'); A['entities'][i][2] = 'Report'
        # the parenthetical gloss is the author's, outside the reported span (batch 2 219) -> B
        A['quotes'][1][0] = "Moscow is ready to consult with Yerevan regarding Russia's possible participation in the Trump Route Project"
    if d == '318':
        # confidence that Russia's mediation will prevent escalation = stated optimism, +0.3 -> B
        i = [k for k, x in enumerate(A['mediation']) if x[0].startswith('He is confident')][0]
        A['mediation'][i][2] = 0.3
    return A

def main():
    docs = sys.argv[1:] or [str(i) for i in range(301, 324)]
    for d in docs:
        A, B = load('pass-a', d), load('pass-b', d)
        G = edits(d, A, B)
        p = f'{BASE}/adjudicated/{d}.ann.json'
        with open(p, 'w') as f:
            json.dump(G, f, ensure_ascii=False, indent=1)
        r = subprocess.run(['python3', f'{BASE}/tools/resolve.py', p, f'{BASE}/raw/{d}.txt'],
                           capture_output=True, text=True)
        if r.returncode:
            print(d, 'FAILED', r.stderr); continue
        open(f'{BASE}/gold/{d}.json', 'w').write(r.stdout)
        open(f'{BASE}/tools/adjudication-301-323/logs/{d}.log', 'w').write(r.stderr)
        print(d, 'ok')

main()
