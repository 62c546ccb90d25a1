import { GoalError } from '@goals/domain';

/** A call on a TxRepository that was already committed or rolled back (or is being finished). */
export class TransactionClosedError extends GoalError {
  constructor(operation: string, state: string) {
    super('TRANSACTION_CLOSED', operation, `the transaction is ${state}; start a new one with beginTx()`);
  }
}
