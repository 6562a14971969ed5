// Talks to the Hearth REST API. The access token lives in memory only; the refresh token in
// sessionStorage (this tab's session), rotated on every use. Tokens are never logged.

const REFRESH_KEY = 'hearth.refresh';
/** Fired on window when the server refuses to renew the session (expired, revoked, signed out elsewhere). */
export const SESSION_ENDED = 'hearth:session-ended';

let accessToken = null;
let person = null;
let refreshTimer = null;
let refreshing = null;

/** An error answer of the API, carrying its problem+json document. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.title || `Request failed (${status})`);
    this.status = status;
    this.problem = problem || {};
  }
  get slug() {
    const type = this.problem.type || '';
    return type.substring(type.lastIndexOf('/') + 1);
  }
}

export function currentPerson() {
  return person;
}

function schedule(delaySeconds) {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => {
    refresh().catch((e) => {
      // A network hiccup keeps the session and tries again; a refusal has already ended it.
      if (e.status === 0) schedule(20);
    });
  }, delaySeconds * 1000);
}

function adopt(pair) {
  accessToken = pair.accessToken;
  person = pair.person;
  sessionStorage.setItem(REFRESH_KEY, pair.refreshToken);
  // Renew a minute before the access token runs out (shorter lifetimes: at 80 %, at least 5 s).
  const lifetime = Number(pair.expiresIn) || 300;
  schedule(Math.max(5, Math.min(lifetime - 60, lifetime * 0.8)));
}

function forget() {
  accessToken = null;
  person = null;
  clearTimeout(refreshTimer);
  sessionStorage.removeItem(REFRESH_KEY);
}

const FALLBACK_TITLES = {
  413: 'That is more than Hearth accepts',
  429: 'Too many requests; wait a moment and try again',
  502: 'Hearth is not available right now',
  503: 'Hearth is not available right now',
  504: 'Hearth is not available right now',
};

async function send(method, path, body, token) {
  const headers = { Accept: 'application/json, application/problem+json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError(0, { title: 'Hearth cannot be reached', detail: 'Check your connection and try again.' });
  }
  if (response.status === 204) return null;
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
  if (!response.ok) {
    const problem = json && typeof json === 'object' && json.title ? json
      : { title: FALLBACK_TITLES[response.status] || `Something went wrong (HTTP ${response.status})`,
        detail: 'Please try again in a moment.', status: response.status };
    throw new ApiError(response.status, problem);
  }
  return json;
}

export async function login(email, password) {
  adopt(await send('POST', '/api/auth/login', { email, password }));
  return person;
}

/** Exchanges the stored refresh token for a new pair; one exchange at a time. */
export function refresh() {
  if (!refreshing) {
    const token = sessionStorage.getItem(REFRESH_KEY);
    if (!token) return Promise.reject(new ApiError(401, { title: 'Please sign in' }));
    refreshing = send('POST', '/api/auth/refresh', { refreshToken: token })
      .then((pair) => { adopt(pair); return person; })
      .catch((e) => {
        if (e.status !== 0) {
          const wasSignedIn = person !== null;
          forget();
          if (wasSignedIn) window.dispatchEvent(new CustomEvent(SESSION_ENDED));
        }
        throw e;
      })
      .finally(() => { refreshing = null; });
  }
  return refreshing;
}

/** Restores a session after a reload of the tab, if there is one. */
export async function resume() {
  if (person) return person;
  if (!sessionStorage.getItem(REFRESH_KEY)) return null;
  try { return await refresh(); } catch (e) { return null; }
}

export async function logout() {
  const token = sessionStorage.getItem(REFRESH_KEY);
  forget();
  if (token) {
    try { await send('POST', '/api/auth/logout', { refreshToken: token }); } catch (e) { /* signed out locally anyway */ }
  }
}

/** An authenticated call; on 401 it refreshes once and retries once. */
export async function api(method, path, body) {
  try {
    return await send(method, path, body, accessToken);
  } catch (e) {
    if (e.status !== 401 || !sessionStorage.getItem(REFRESH_KEY)) throw e;
    await refresh();
    return send(method, path, body, accessToken);
  }
}

/** A call without a token (set-password). */
export function publicCall(method, path, body) {
  return send(method, path, body);
}

/** A binary resource of the API (audio for exercises), with the access token; renews it once on 401. */
export async function fetchBytes(path) {
  const get = () => fetch(path, { headers: { Authorization: `Bearer ${accessToken}` }, cache: 'no-store' });
  let response = await get();
  if (response.status === 401) {
    await refresh();
    response = await get();
  }
  if (!response.ok) throw new ApiError(response.status, { title: `Could not load ${path} (${response.status})` });
  return response.arrayBuffer();
}

/**
 * Uploads an audio file for the exercise library (POST /api/audio, the body is the file itself),
 * reporting progress as fractions 0..1: fetch cannot report an upload's progress, XMLHttpRequest can.
 * Renews the access token once on 401. Rejects with an ApiError carrying the problem (413, 415, …).
 */
export function uploadAudio(file, title, onProgress = () => {}) {
  const attempt = () => new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/audio${title ? `?title=${encodeURIComponent(title.substring(0, 120))}` : ''}`);
    xhr.setRequestHeader('Authorization', `Bearer ${accessToken}`);
    xhr.setRequestHeader('Accept', 'application/json, application/problem+json');
    xhr.setRequestHeader('Content-Type', file.type && file.type.startsWith('audio/') ? file.type : 'application/octet-stream');
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.onerror = () => reject(new ApiError(0, { title: 'The upload was interrupted', detail: 'Check your connection and try again.' }));
    xhr.onload = () => {
      let json = null;
      try { json = xhr.responseText ? JSON.parse(xhr.responseText) : null; } catch (e) { json = null; }
      if (xhr.status >= 200 && xhr.status < 300) { onProgress(1); resolve(json); return; }
      reject(new ApiError(xhr.status, json && json.title ? json
        : { title: FALLBACK_TITLES[xhr.status] || `Upload failed (HTTP ${xhr.status})`, status: xhr.status }));
    };
    xhr.send(file);
  });
  return attempt().catch(async (e) => {
    if (e.status !== 401 || !sessionStorage.getItem(REFRESH_KEY)) throw e;
    await refresh();
    return attempt();
  });
}

/**
 * A call that outlives the page (a resume point saved while the tab closes or reloads): fetch with
 * keepalive and the current token, no answer awaited and no renewal (the page is going away).
 */
export function beacon(method, path, body) {
  if (!accessToken) return;
  try {
    fetch(path, { method, keepalive: true, headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${accessToken}` },
      body: JSON.stringify(body), cache: 'no-store' }).catch(() => {});
  } catch (e) { /* the page is going away anyway */ }
}
