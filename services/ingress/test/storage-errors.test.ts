import { describe, expect, it } from '@jest/globals';
import { AuthenticationError, InvalidPayloadError, StorageUnavailableError } from '../src/domain/intake-errors.js';
import { durably } from '../src/domain/storage-errors.js';

/** An error shaped as node-postgres raises it for a SQLSTATE. */
const refused = (code: string): Error => Object.assign(new Error(`refused ${code}`), { code });

describe('durably: what a storage failure means to the sender', () => {
  it('an event of a workspace deleted since its key was checked (23503) is the key no longer counting: 401', async () => {
    const error = await durably(() => Promise.reject(refused('23503'))).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ reason: 'UNAUTHORIZED' });
  });

  it('a value PostgreSQL refuses is the payload\'s fault, a connection lost is the database\'s', async () => {
    await expect(durably(() => Promise.reject(refused('22P05')))).rejects.toBeInstanceOf(InvalidPayloadError);
    await expect(durably(() => Promise.reject(refused('57P01')))).rejects.toBeInstanceOf(StorageUnavailableError);
    await expect(durably(() => Promise.resolve('stored'))).resolves.toBe('stored');
  });
});
