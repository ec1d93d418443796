/** Errors every estimator shares. */

/** Thrown when a method that needs a fitted estimator is called before `fit`. */
export class NotFittedError extends Error {
  override name = 'NotFittedError';
  constructor(estimator: string, method: string) {
    super(`${estimator}.${method}: this ${estimator} is not fitted yet; call fit() first`);
  }
}
