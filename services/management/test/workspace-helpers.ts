// What the workspace and API key tests share: a JWT narrowed by a `workspace` claim, a check of each answer
// against openapi/management.yaml, and the Authorization header of a workspace key.
import { expect } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import jwt from 'jsonwebtoken';
import { loadOpenApi } from '@hookway/http';
import { responseChecker } from '@hookway/testing';
import type { ManagementFixture } from './management-fixture.js';

/** A Bearer JWT with `sub`, `scope` and, when given, the `workspace` claim that narrows it. */
export function narrowedBearer(fx: ManagementFixture, sub: string, scope: string, workspace?: string): string {
  const claims = { sub, scope, ...(workspace === undefined ? {} : { workspace }) };
  return `Bearer ${jwt.sign(claims, fx.config.managementJwtSecret, { algorithm: 'HS256', expiresIn: '5m' })}`;
}

/** The Authorization header of a workspace API key. */
export const keyBearer = (key: string): string => `Bearer ${key}`;


const checker = responseChecker(loadOpenApi(fileURLToPath(new URL('../../../openapi/management.yaml', import.meta.url))));

/** Expects the answer to be one the spec documents for the operation ("GET /workspaces/{workspaceId}"). */
export function expectDocumented<R extends { status: number; body: unknown }>(operation: string, response: R): R {
  expect(checker.check(operation, response.status, response.body)).toEqual([]);
  return response;
}
