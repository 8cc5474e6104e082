// A real OpenID provider on loopback for the sign-in tests: npm's oidc-provider (certified),
// with the accounts the test passes as JSON on stdin. The test's browser names the account in
// the standard login_hint parameter (else "default") and the interaction finishes at once,
// with no login form.
// An account's "tamper" members are written over its ID token's claims and the token re-signed
// with the provider's own key: how the tests get a wrong audience or an expired token from it.
// Prints {"issuer": ...} once listening; runs until stdin closes or it is killed.
import http from 'node:http';
import { generateKeyPair, exportJWK, importJWK, SignJWT, decodeJwt } from 'jose';
import Provider from 'oidc-provider';

const input = JSON.parse(await new Promise((resolve) => {
  let text = '';
  process.stdin.on('data', (chunk) => { text += chunk; if (text.includes('\n')) resolve(text); });
}));
const { accounts, clients } = input;

const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const jwk = { ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
const signingKey = await importJWK(jwk, 'RS256');

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients,
    jwks: { keys: [jwk] },
    cookies: { keys: ['loopback-test-only'] },
    conformIdTokenClaims: false,
    claims: { openid: ['sub', 'email', 'name', 'roles'] },
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    findAccount: async (ctx, sub) => (accounts[sub] ? {
      accountId: sub,
      claims: async () => ({ sub, email: accounts[sub].email, name: accounts[sub].name, roles: accounts[sub].roles }),
    } : undefined),
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  });
  provider.use(async (ctx, next) => {
    if (ctx.path.startsWith('/interaction/')) return finishInteraction(provider, ctx);
    await next();
    if (ctx.method === 'POST' && ctx.path === '/token' && ctx.body && ctx.body.id_token) {
      ctx.body = { ...ctx.body, id_token: await tampered(ctx.body.id_token) };
    }
  });
  server.on('request', provider.callback());
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});
process.stdin.on('end', () => process.exit(0));

async function finishInteraction(provider, ctx) {
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  const accountId = details.params.login_hint || 'default';
  if (!accounts[accountId]) {
    return provider.interactionFinished(ctx.req, ctx.res, { error: 'access_denied' });
  }
  const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  return provider.interactionFinished(ctx.req, ctx.res, { login: { accountId }, consent: { grantId } });
}

async function tampered(idToken) {
  const claims = decodeJwt(idToken);
  const changes = (accounts[claims.sub] || {}).tamper;
  if (!changes) return idToken;
  return new SignJWT({ ...claims, ...changes }).setProtectedHeader({ alg: 'RS256', kid: 'test-key' }).sign(signingKey);
}
