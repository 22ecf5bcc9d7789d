// Verify an OpenBadgeCredential (JSON on stdin) with digitalbazaar's libraries, offline:
// JSON-LD contexts come from questbot's assets/contexts, did:key is resolved locally.
// Prints {"verified": bool, "error": string|null}. The credential status is checked by
// questbot's own tests; here a checkStatus stub reports "not revoked".
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';

const here = dirname(fileURLToPath(import.meta.url));
const contextsDir = join(here, '..', '..', '..', 'assets', 'contexts');
const index = JSON.parse(readFileSync(join(contextsDir, 'index.json'), 'utf8'));
const MULTIKEY = 'https://w3id.org/security/multikey/v1';
const DID = 'https://www.w3.org/ns/did/v1';

function didKeyDocument(url) {
  const did = url.split('#')[0];
  const multibase = did.slice('did:key:'.length);
  const method = {
    '@context': MULTIKEY, id: `${did}#${multibase}`, type: 'Multikey', controller: did,
    publicKeyMultibase: multibase,
  };
  if (url.includes('#')) return method;
  return {'@context': [DID, MULTIKEY], id: did, verificationMethod: [method],
          assertionMethod: [method.id], authentication: [method.id]};
}

async function documentLoader(url) {
  if (url.startsWith('did:key:')) {
    return {contextUrl: null, documentUrl: url, document: didKeyDocument(url)};
  }
  const file = index[url];
  if (!file) throw new Error(`offline: no document for ${url}`);
  const document = JSON.parse(readFileSync(join(contextsDir, file), 'utf8'));
  return {contextUrl: null, documentUrl: url, document};
}

const credential = JSON.parse(readFileSync(0, 'utf8'));
const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022CryptoSuite});
let result;
try {
  result = await vc.verifyCredential({
    credential, suite, documentLoader,
    checkStatus: async () => ({verified: true}),
  });
} catch (e) {
  result = {verified: false, error: e};
}
const errors = [];
const collect = e => { if (e) errors.push(e.message || String(e)); };
collect(result.error);
for (const r of result.results || []) collect(r.error);
console.log(JSON.stringify({verified: Boolean(result.verified), error: errors.join('; ') || null}));
