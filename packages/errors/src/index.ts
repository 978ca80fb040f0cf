export { ERROR_CODES, type ErrorClass, type ErrorCode } from './codes.ts';
export {
  describeError,
  isVolstreamError,
  VolstreamError,
  type VolstreamErrorOptions,
} from './volstream-error.ts';
