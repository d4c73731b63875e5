import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

/** The API's schemas, as generated from its OpenAPI document. */
export type Schemas = components['schemas'];

const TOKEN_KEY = 'commerce-console-token';

/** The bearer token of this browser tab: session storage, so it goes with the tab. */
export const session = {
  token: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  signIn: (token: string) => sessionStorage.setItem(TOKEN_KEY, token),
  signOut: () => sessionStorage.removeItem(TOKEN_KEY),
};

const bearer: Middleware = {
  onRequest({ request }) {
    const token = session.token();
    if (token) request.headers.set('authorization', `Bearer ${token}`);
    return request;
  },
};

/** The one client of the console, typed by the generated schema: the public HTTP API and nothing else. */
export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(bearer);

export { ApiError, fieldError, unwrap, type FieldError, type Problem } from './problem';

/** A fresh Idempotency-Key: one per attempt the user makes, reused by nothing. */
export const newIdempotencyKey = (): string => crypto.randomUUID();
