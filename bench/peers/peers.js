// Runs one JavaScript tool over a JSONL corpus and prints the seconds it
// took (bench/peers.sh; docs/performance.md). The corpus is read and the
// tool loaded before the clock starts, as Glossa's time excludes its
// start-up only in the same way (its --stats wall time includes reading).
//
//   node peers.js TOOL CORPUS.jsonl     TOOL: compromise, chrono, vader, chain
//
// compromise: people, places and organizations (the entities layer's task);
// chrono: dates, with the record's "published" as the reference date (the
// dates layer's); vader: sentiment of each sentence (what mediation scores);
// chain: the three on each document in turn.
'use strict';
const fs = require('fs');
const [tool, corpus] = process.argv.slice(2);
const docs = fs.readFileSync(corpus, 'utf8').split('\n').filter(Boolean)
    .map((line) => JSON.parse(line));
const nlp = require('compromise');
const chrono = require('chrono-node');
const vader = require('vader-sentiment').SentimentIntensityAnalyzer;

function entities(text) {
    const d = nlp(text);
    return d.people().out('array').length + d.places().out('array').length +
        d.organizations().out('array').length;
}
function dates(doc) {
    const published = doc.meta && doc.meta.published;
    const ref = published ? new Date(published) : undefined;
    return chrono.parse(doc.text, ref).length;
}
function sentiment(text) {
    let n = 0;
    for (const s of text.split(/(?<=[.!?])\s+/))
        n += vader.polarity_scores(s).compound !== 0;
    return n;
}
const run = {
    compromise: (doc) => entities(doc.text),
    chrono: (doc) => dates(doc),
    vader: (doc) => sentiment(doc.text),
    chain: (doc) => entities(doc.text) + dates(doc) + sentiment(doc.text),
}[tool];
if (!run) {
    console.error('usage: node peers.js compromise|chrono|vader|chain CORPUS');
    process.exit(2);
}
const t0 = process.hrtime.bigint();
let found = 0;
for (const doc of docs)
    found += run(doc);
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(JSON.stringify({tool, seconds, documents: docs.length, found}));
