/** The one `Result` of every Aerie package lives in @aerie/contracts; re-exported for the bridge's modules. */
export { fail, ok, type Result, type ResultError } from '@aerie/contracts';
