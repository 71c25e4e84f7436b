/** Asked for the token when a write needs one; resolves to null when the person cancels. */
export type TokenPrompt = (reason: string) => Promise<string | null>;

export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

const tokenKey = 'website-monitor.token';

/**
 * fetch against the agent's API. The bearer token is asked for once, kept in sessionStorage
 * (this tab only, gone when it closes) and sent on every request once known, so a server bound
 * beyond loopback (where reads need it too) works the same.
 */
export class ApiClient {
  constructor(private readonly promptForToken: TokenPrompt) {}

  get token(): string | null {
    return sessionStorage.getItem(tokenKey);
  }

  headers(): Headers {
    const headers = new Headers({ accept: 'application/json' });
    const token = this.token;
    if (token) headers.set('authorization', `Bearer ${token}`);
    return headers;
  }

  async get<T>(path: string, signal?: AbortSignal): Promise<T> {
    const response = await fetch(path, { headers: this.headers(), signal });
    if (response.status === 401 && (await this.askToken('Reading needs the API token.'))) {
      return this.get(path, signal);
    }
    return readJson<T>(response);
  }

  /** A write: asks for the token first when none is kept, and again once if it is refused. */
  async post<T>(path: string, body: unknown): Promise<T> {
    if (!this.token && !(await this.askToken('This action needs the API token.'))) {
      throw new ApiRequestError(0, 'cancelled: no token given');
    }
    const send = () => {
      const headers = this.headers();
      headers.set('content-type', 'application/json');
      return fetch(path, { method: 'POST', headers, body: JSON.stringify(body) });
    };
    let response = await send();
    if (response.status === 401) {
      sessionStorage.removeItem(tokenKey);
      if (!(await this.askToken('The token was refused; enter it again.'))) {
        throw new ApiRequestError(401, 'the API token was refused');
      }
      response = await send();
    }
    return readJson<T>(response);
  }

  private async askToken(reason: string): Promise<boolean> {
    const token = (await this.promptForToken(reason))?.trim();
    if (!token) return false;
    sessionStorage.setItem(tokenKey, token);
    return true;
  }
}

async function readJson<T>(response: Response): Promise<T> {
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const message =
      (body as { error?: { message?: string } } | undefined)?.error?.message ?? `HTTP ${response.status}`;
    throw new ApiRequestError(response.status, message);
  }
  return body as T;
}
