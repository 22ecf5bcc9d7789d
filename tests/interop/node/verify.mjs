// Verify an OpenBadgeCredential (JSON on stdin) with digitalbazaar's libraries, status checks on.
//
// JSON-LD contexts come from questbot/assets/contexts (never fetched) and did:key is resolved
// locally. A running test server may be named in QB_DIDWEB_BASE (comma-separated, only
// http(s)://127.0.0.1:PORT): then did:web:127.0.0.1%3APORT resolves to that server's
// /.well-known/did.json, and documents under that origin (the status lists) are fetched from it.
// Nothing else is fetched.
//
// A credential with a credentialStatus is checked with @digitalbazaar/vc-bitstring-status-list:
// the status list credential is fetched, its proof verified, its issuer must be the credential's,
// and a set bit rejects the credential ("revoked"). A credential without credentialStatus is
// verified without a status check (the library is called only when there is one).
//
// Prints {"verified": bool, "error": string|null}.
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import * as vc from '@digitalbazaar/vc';
import {checkStatus as checkBitstringStatus} from '@digitalbazaar/vc-bitstring-status-list';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';

const here = dirname(fileURLToPath(import.meta.url));
const contextsDir = join(here, '..', '..', '..', 'questbot', 'assets', 'contexts');
const index = JSON.parse(readFileSync(join(contextsDir, 'index.json'), 'utf8'));
const MULTIKEY = 'https://w3id.org/security/multikey/v1';
const DID = 'https://www.w3.org/ns/did/v1';
const FETCH_TIMEOUT_MS = 10000;
const MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;

// "https://127.0.0.1:PORT" (what a did:web names) and "http://127.0.0.1:PORT" -> the server.
function serverOrigins() {
  const origins = new Map();
  for (const base of (process.env.QB_DIDWEB_BASE || '').split(',').filter(Boolean)) {
    const url = new URL(base);
    if (url.hostname !== '127.0.0.1') throw new Error(`QB_DIDWEB_BASE: only 127.0.0.1, not ${base}`);
    const served = `${url.protocol}//${url.host}`;
    origins.set(`https://${url.host}`, served);
    origins.set(`http://${url.host}`, served);
  }
  return origins;
}

const origins = serverOrigins();

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

// The did:web method's rule: did:web:host%3Aport[:path...] -> https://host:port/{path|.well-known}/did.json
function didWebDocumentUrl(did) {
  const [host, ...segments] = did.slice('did:web:'.length).split(':');
  if (!host) throw new Error(`${did} names no host`);
  const path = segments.length ? segments.map(decodeURIComponent).join('/') : '.well-known';
  return `https://${decodeURIComponent(host)}/${path}/did.json`;
}

async function fetchFromServer(url) {
  const parsed = new URL(url);
  const served = origins.get(parsed.origin);
  if (!served) throw new Error(`offline: no document for ${url}`);
  const response = await fetch(`${served}${parsed.pathname}${parsed.search}`, {
    headers: {Accept: 'application/ld+json, application/json'}, redirect: 'error',
    signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
  });
  if (response.status !== 200) throw new Error(`${url}: HTTP ${response.status}`);
  const body = await response.text();
  if (body.length > MAX_DOCUMENT_BYTES) throw new Error(`${url}: too large`);
  return JSON.parse(body);
}

async function didWebDocument(url) {
  const [did, fragment] = url.split('#');
  const document = await fetchFromServer(didWebDocumentUrl(did));
  if (document.id !== did) throw new Error(`the DID document of ${did} is ${document.id}'s`);
  if (fragment === undefined) return document;
  const method = (document.verificationMethod || []).find(m => m.id === url);
  if (!method) throw new Error(`${did}'s DID document has no verification method ${url}`);
  return {'@context': document['@context'], ...method};
}

async function documentLoader(url) {
  let document;
  if (url.startsWith('did:key:')) {
    document = didKeyDocument(url);
  } else if (url.startsWith('did:web:')) {
    document = await didWebDocument(url);
  } else if (index[url]) {
    document = JSON.parse(readFileSync(join(contextsDir, index[url]), 'utf8'));
  } else {
    document = await fetchFromServer(url);
  }
  return {contextUrl: null, documentUrl: url, document};
}

function newSuite() {
  return new DataIntegrityProof({cryptosuite: eddsaRdfc2022CryptoSuite});
}

// The library reports the bit's value; a set bit is a verdict, so it fails the check here.
async function checkStatus({credential}) {
  const result = await checkBitstringStatus({credential, documentLoader, suite: newSuite()});
  if (!result.verified) return result;
  const set = (result.results || []).filter(r => r.status === true);
  if (set.length === 0) return result;
  const purposes = set.map(r => `${r.credentialStatus.statusPurpose} ` +
                                `(statusListIndex ${r.credentialStatus.statusListIndex})`);
  return {...result, verified: false,
          error: new Error(`credential status: ${purposes.join(', ')} is set: revoked`)};
}

function errorsOf(result) {
  const errors = [];
  const collect = e => { if (e) errors.push(e.message || String(e)); };
  collect(result.error);
  for (const r of result.results || []) collect(r.error);
  if (result.statusResult) {
    collect(result.statusResult.error);
    for (const r of result.statusResult.results || []) collect(r.error);
  }
  return [...new Set(errors)];
}

const credential = JSON.parse(readFileSync(0, 'utf8'));
let result;
try {
  result = await vc.verifyCredential({
    credential, suite: newSuite(), documentLoader, checkStatus,
  });
} catch (e) {
  result = {verified: false, error: e};
}
const errors = errorsOf(result);
console.log(JSON.stringify({verified: Boolean(result.verified) && errors.length === 0,
                            error: errors.join('; ') || null}));
