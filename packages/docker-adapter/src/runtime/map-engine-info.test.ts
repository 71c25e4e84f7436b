import { readFileSync } from 'node:fs';
import { ContainerRuntimeError } from '@website-monitor/core';
import { describe, expect, it } from 'vitest';
import { mapEngineInfo } from './map-engine-info.js';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));

describe('mapEngineInfo', () => {
  it('reads the ID, name and version of a Docker 20.10 engine (API 1.41: a key fingerprint)', () => {
    expect(mapEngineInfo(fixture('info-api-1.41.json'))).toEqual({
      id: 'INCP:EH3Y:GPSX:NMX6:5H7R:CNMI:VMNQ:6N3T:ATDW:I4NT:QILJ:B5Y6',
      name: 'vm',
      serverVersion: '20.10.24+dfsg1',
    });
  });

  it('reads a Docker 29 engine (API 1.52: the ID is a UUID)', () => {
    expect(mapEngineInfo(fixture('info-api-1.52.json'))).toEqual({
      id: '6f1c2d4e-93b2-4c51-a0e7-2b8d9a7c4e11',
      name: 'node5.corp.example.com',
      serverVersion: '29.0.1',
    });
  });

  it('refuses an answer without an ID, or with one too long to be real, rather than guess a lease key', () => {
    for (const body of [{}, { ID: '' }, { ID: 42 }, null, 'text', { ID: 'x'.repeat(257) }]) {
      let thrown: unknown;
      try {
        mapEngineInfo(body);
      } catch (error) {
        thrown = error;
      }
      expect(ContainerRuntimeError.isInstance(thrown), JSON.stringify(body)).toBe(true);
      expect((thrown as Error).message).toMatch(
        /^info: the engine (did not report an ID|reported an ID of 257)/,
      );
    }
  });

  it('keeps a missing name or version as empty text and cuts an overlong one', () => {
    expect(mapEngineInfo({ ID: 'abc', Name: 'n'.repeat(1000) })).toEqual({
      id: 'abc',
      name: 'n'.repeat(256),
      serverVersion: '',
    });
  });
});
