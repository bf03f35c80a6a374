// Storage failures in the domain's words: the database cannot be reached (the sender retries), or it refused
// a value the sender sent (the sender's fault, never a 500).
import { isDatabaseUnavailable, isDataException, isForeignKeyViolation } from '@hookway/db';
import { AuthenticationError, InvalidPayloadError, StorageUnavailableError } from './intake-errors.js';

export async function durably<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isDatabaseUnavailable(error)) throw new StorageUnavailableError(error);
    // The only reference an event insert can break: its workspace, deleted (with its keys) since the key was checked.
    if (isForeignKeyViolation(error)) throw new AuthenticationError('UNAUTHORIZED', 'the API key\'s workspace no longer exists');
    if (isDataException(error)) {
      const message = 'the payload holds a value that cannot be stored';
      throw new InvalidPayloadError(message, [{ path: '/', message }]);
    }
    throw error;
  }
}
