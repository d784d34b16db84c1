// Regenerates the per-rule severity settings (`typeormLsp.rules.<CODE>`) in package.json
// from the server's own rule catalogue (`typeorm-lsp rule --all`), so the settings UI lists
// every rule with its name and what it flags. Run after adding a rule:
//   node scripts/rule-settings.js [path/to/typeorm-lsp]
// test/manifest.test.mjs fails when package.json and the server disagree.
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const { serverBinary } = require('./server-binary');

/** The text up to the first full stop or colon that ends a clause outside `code`. */
function firstClause(paragraph) {
  let inCode = false;
  for (let i = 0; i < paragraph.length; i++) {
    const c = paragraph[i];
    if (c === '`') {
      inCode = !inCode;
    } else if (!inCode && (c === '.' || c === ':') && (i + 1 === paragraph.length || paragraph[i + 1] === ' ')) {
      return paragraph.slice(0, i);
    }
  }
  return paragraph;
}

/** `[{ code, name, summary }]` from the text of `typeorm-lsp rule --all`. */
function parseRules(text) {
  const rules = [];
  for (const section of text.split(/^# /m).slice(1)) {
    const heading = /^([A-Z]+[0-9]+): (\S+)/.exec(section);
    if (!heading) {
      continue;
    }
    const what = /## What it does\n([\s\S]*?)(?:\n\n|\n##|$)/.exec(section);
    const paragraph = what ? what[1].replace(/\s+/g, ' ').trim() : '';
    rules.push({ code: heading[1], name: heading[2], summary: `${firstClause(paragraph)}.` });
  }
  return rules;
}

/** The `properties` of the `typeormLsp.rules` setting. */
function ruleProperties(rules) {
  const properties = {};
  for (const rule of rules) {
    properties[rule.code] = {
      type: 'string',
      enum: ['default', 'error', 'warning', 'info', 'off'],
      default: 'default',
      markdownDescription: `**${rule.code}** \`${rule.name}\`: ${rule.summary} (\`default\`: as in \`typeorm-lsp.json\`, else the rule's own severity.)`,
    };
  }
  return properties;
}

module.exports = { parseRules, ruleProperties };

if (require.main === module) {
  const bin = process.argv[2] || serverBinary();
  const rules = parseRules(execFileSync(bin, ['rule', '--all'], { encoding: 'utf8' }));
  const manifestPath = path.join(__dirname, '..', 'package.json');
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  manifest.contributes.configuration.properties['typeormLsp.rules'].properties = ruleProperties(rules);
  fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
  console.log(`package.json: ${rules.length} rules`);
}
