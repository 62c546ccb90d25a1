import { describe, expect, it } from 'vitest';
import { loggedError } from '../src/observability/logged-error.js';

describe('errors in log lines (issue #8 item 10)', () => {
  it('keep message, stack, code and cause, never other properties such as a driver client with its password', () => {
    const driverError = Object.assign(new Error('terminating connection due to administrator command'), {
      code: '57P01',
      client: { connectionParameters: { user: 'postgres', password: 's3cret' } },
    });
    const error = Object.assign(new Error('flush failed', { cause: driverError }), { code: 'DATABASE_ERROR', operation: 'batchApplyAbsolute', sqlState: '57P01' });
    const logged = JSON.stringify(loggedError(error));
    expect(logged).not.toContain('s3cret');
    expect(logged).not.toContain('connectionParameters');
    expect(loggedError(error)).toMatchObject({ type: 'Error', message: 'flush failed', code: 'DATABASE_ERROR', sqlState: '57P01', cause: { message: 'terminating connection due to administrator command', code: '57P01' } });
  });
});
