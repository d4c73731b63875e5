import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

/** The API's schemas, as generated from its OpenAPI document. */
export type Schemas = components['schemas'];

const TOKEN_KEY = 'commerce-console-token';

const endedListeners = new Set<() => void>();

/** The bearer token of this browser tab: session storage, so it goes with the tab. */
export const session = {
  token: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  signIn: (token: string) => sessionStorage.setItem(TOKEN_KEY, token),
  signOut: () => sessionStorage.removeItem(TOKEN_KEY),
  /**
   * Calls `listener` whenever the API refuses the tab's token (it expired, or was signed with
   * another secret); the token is dropped first. Returns the unsubscribe.
   */
  onEnded: (listener: () => void): (() => void) => {
    endedListeners.add(listener);
    return () => endedListeners.delete(listener);
  },
};

const bearer: Middleware = {
  onRequest({ request }) {
    const token = session.token();
    if (token) request.headers.set('authorization', `Bearer ${token}`);
    return request;
  },
  onResponse({ request, response }) {
    if (response.status === 401 && request.headers.has('authorization')) {
      session.signOut();
      for (const listener of endedListeners) listener();
    }
    return response;
  },
};

/** The one client of the console, typed by the generated schema: the public HTTP API and nothing else. */
export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(bearer);

export { ApiError, fieldError, unwrap, type FieldError, type Problem } from './problem';

/** A fresh Idempotency-Key: one per attempt the user makes, reused by nothing. */
export const newIdempotencyKey = (): string => crypto.randomUUID();
