import { describe, expect, it } from 'vitest';

import { message, THREAD } from '../testing/fixtures.ts';
import { createApiClient } from './client.ts';
import { ApiError, problemType } from './errors.ts';
import { attachmentProblem, MAX_ATTACHMENT_BYTES, newMessageId, postMessage } from './messages.ts';

/** An API client whose fetch answers from `answer` and records the requests. */
function apiAnswering(answer: (request: Request) => Response) {
  const requests: Request[] = [];
  const api = createApiClient({
    getToken: () => 'jwt',
    onUnauthorized: () => {},
    baseUrl: 'http://test/api',
    fetch: async (input) => {
      const request = input as Request; // openapi-fetch always passes a Request
      requests.push(request);
      return answer(request);
    },
  });
  return { api, requests };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

describe('attachmentProblem', () => {
  it('refuses files over 5 MiB, empty files and types the server rejects', () => {
    const big = new File([new Uint8Array(MAX_ATTACHMENT_BYTES + 1)], 'clip.mp4', { type: 'video/mp4' });
    expect(attachmentProblem(big)).toBe('“clip.mp4” is 5.0 MiB; attachments can be at most 5 MiB.');
    expect(attachmentProblem(new File([], 'empty.png', { type: 'image/png' }))).toMatch(/is empty/);
    expect(attachmentProblem(new File(['MZ'], 'setup.exe', { type: 'application/x-msdownload' }))).toMatch(/cannot be sent/);
  });

  it('accepts exactly 5 MiB of an allowed type, and leaves unknown types to the server', () => {
    expect(attachmentProblem(new File([new Uint8Array(MAX_ATTACHMENT_BYTES)], 'a.pdf', { type: 'application/pdf' }))).toBeNull();
    expect(attachmentProblem(new File(['x'], 'photo.heic', { type: '' }))).toBeNull();
  });
});

describe('postMessage', () => {
  it('posts text as JSON to /messages with the client message id', async () => {
    const id = newMessageId();
    const { api, requests } = apiAnswering(() => json(message(1), 201));
    await postMessage(api, { thread_id: THREAD, message_content: 'hi', message_id: id });
    expect(requests[0]!.method).toBe('POST');
    expect(new URL(requests[0]!.url).pathname).toBe('/api/messages');
    expect(requests[0]!.headers.get('Content-Type')).toBe('application/json');
    expect(await requests[0]!.json()).toEqual({ thread_id: THREAD, message_content: 'hi', message_id: id });
  });

  it('posts an attachment as multipart/form-data to /messages/upload, the file as media_data', async () => {
    const id = newMessageId();
    const { api, requests } = apiAnswering(() => json(message(1), 201));
    const file = new File([new Uint8Array([137, 80, 78, 71])], 'dot.png', { type: 'image/png' });
    await postMessage(api, { thread_id: THREAD, message_content: 'the receipt', message_id: id }, file);
    expect(requests[0]!.method).toBe('POST');
    expect(new URL(requests[0]!.url).pathname).toBe('/api/messages/upload');
    expect(requests[0]!.headers.get('Content-Type')).toMatch(/^multipart\/form-data; boundary=/);
    expect(requests[0]!.headers.get('Authorization')).toBe('Bearer jwt');
    const form = await requests[0]!.formData();
    expect([...form.keys()]).toEqual(['thread_id', 'message_content', 'message_id', 'media_data']);
    expect(form.get('thread_id')).toBe(THREAD);
    expect(form.get('message_content')).toBe('the receipt');
    expect(form.get('message_id')).toBe(id);
    const part = form.get('media_data') as File;
    expect(part.name).toBe('dot.png');
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(new Uint8Array([137, 80, 78, 71]));
  });

  it('re-sends an attachment with the same message id and an empty text', async () => {
    const id = newMessageId();
    const { api, requests } = apiAnswering((r) => json(message(1), r === requests[0] ? 201 : 200));
    const file = new File([new Uint8Array([1])], 'a.pdf', { type: 'application/pdf' });
    await postMessage(api, { thread_id: THREAD, message_content: '', message_id: id }, file);
    await postMessage(api, { thread_id: THREAD, message_content: '', message_id: id }, file);
    const forms = await Promise.all(requests.map((r) => r.formData()));
    expect(forms.map((f) => [f.get('message_id'), f.get('message_content')])).toEqual([
      [id, ''],
      [id, ''],
    ]);
  });

  it('turns a problem answer into an ApiError whose type can be branched on', async () => {
    const { api } = apiAnswering(() =>
      new Response(
        JSON.stringify({ type: 'urn:orderchat:problem:thread-closed', title: 'Conflict', status: 409, detail: 'the thread is closed' }),
        { status: 409, headers: { 'Content-Type': 'application/problem+json' } },
      ),
    );
    const sending = postMessage(api, { thread_id: THREAD, message_content: 'hi', message_id: newMessageId() });
    await expect(sending).rejects.toBeInstanceOf(ApiError);
    await expect(sending).rejects.toMatchObject({ status: 409, message: 'the thread is closed' });
    expect(problemType(await sending.catch((err: unknown) => err))).toBe('urn:orderchat:problem:thread-closed');
  });

  it('has no problem type for a failure without a problem body', async () => {
    const { api } = apiAnswering(() => new Response('bad gateway', { status: 502 }));
    const err = await postMessage(api, { thread_id: THREAD, message_content: 'hi', message_id: newMessageId() }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 502 });
    expect(problemType(err)).toBeNull();
    expect(problemType(new Error('x'))).toBeNull();
  });
});

describe('newMessageId', () => {
  it('is a v4 UUID', () => {
    expect(newMessageId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
