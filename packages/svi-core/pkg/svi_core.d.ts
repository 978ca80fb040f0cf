/* Types of svi-core (hand-written; the ABI underneath is quant-core/ABI.md). */

/** Module bytes (BufferSource without depending on the DOM lib). */
export type WasmBytes = ArrayBuffer | ArrayBufferView;
/** A compiled WebAssembly.Module (typed loosely: the project's lib has no WebAssembly types). */
export type WasmModule = object;

/** Where to load the module from. With none given: FITTER_WASM (Node), else the bundled module. */
export interface InitOptions {
  /** File path (Node). */
  wasmPath?: string;
  /** URL (browser, or file: URL in Node); relative URLs resolve against this package's pkg/. */
  wasmUrl?: string | URL;
  /** Raw module bytes. */
  wasmBytes?: WasmBytes;
  /** A compiled module. */
  module?: WasmModule;
  /** Name reported by moduleInfo().path for bytes or a module. */
  label?: string;
}

export interface ModuleInfo {
  readonly abiVersion: number;
  /** The module's own id string (vs_fitter_id_*), "unknown" when it exports none. */
  readonly fitterId: string;
  /** Absolute path or URL the module was loaded from. */
  readonly path: string;
  /** Every `vs_*` export of the module. */
  readonly exports: readonly string[];
}

export interface IvInput {
  /** Undiscounted Black-76 price in the forward's currency (for the *Inverse functions: coin price). */
  price: Float64Array;
  forward: Float64Array;
  strike: Float64Array;
  /** Years. */
  time: Float64Array;
  /** 1 = call, 0 = put. */
  isCall: Uint8Array;
}

export interface PricingInput {
  forward: Float64Array;
  strike: Float64Array;
  time: Float64Array;
  vol: Float64Array;
  isCall: Uint8Array;
}

/** Reason per option: index into IV_REASONS (0 = ok). */
export interface IvDetailed {
  vols: Float64Array;
  reasons: Uint8Array;
}

export interface SviParams {
  a: number;
  b: number;
  rho: number;
  m: number;
  sigma: number;
}

export interface SviSliceInput {
  /** Log-moneyness ln(K/F). */
  k: Float64Array;
  /** Total implied variance σ²T. */
  w: Float64Array;
  weights?: Float64Array;
  /** Years. */
  time: number;
}

export interface SviFitResult extends SviParams {
  /** RMSE in total variance. */
  rmse: number;
  /** Minimum of the Gatheral–Jacquier g on the check grid. */
  minG: number;
  butterflyFree: boolean;
  /** RMSE in implied vol (decimal). */
  rmseVol: number;
  iterations: number;
  /** Whether the fitter applied the Gatheral–Jacquier repair. */
  repaired: boolean;
  /** "ok", or why the fit failed (then the numbers are NaN and butterflyFree is false). */
  status: string;
}

/** Black-76 greeks per option (venue units, see quant-core/src/greeks.rs). */
export interface Greeks {
  /** Forward delta ωN(ωd₊). */
  delta: Float64Array;
  /** Premium-adjusted forward delta ω(K/F)N(ωd₋). */
  deltaPa: Float64Array;
  /** Per unit of F. */
  gamma: Float64Array;
  /** Price change for +1 vol point. */
  vega: Float64Array;
  /** Price change for one calendar day. */
  theta: Float64Array;
}

export interface GreeksOptions {
  /** Greeks of the coin value c = B/F (inverse options) instead of the USD value B. */
  coin?: boolean;
}

export interface CoinHeldUpdateInput {
  vol: Float64Array;
  forwardOld: Float64Array;
  forwardNew: Float64Array;
  strike: Float64Array;
  time: Float64Array;
  isCall: Uint8Array;
}

export interface CoinHeldUpdate {
  vols: Float64Array;
  /** Error estimate of each update; re-invert when above the budget (+∞ for invalid rows). */
  errors: Float64Array;
}

export interface TimedSlice {
  /** Years. */
  time: number;
  params: SviParams;
}

export interface CalendarViolation {
  /** Input indices of the two consecutive expiries. */
  earlier: number;
  later: number;
  /** Log-moneyness of the worst crossing and w_earlier − w_later there (> 0). */
  k: number;
  size: number;
  /** Grid points in violation. */
  points: number;
}

export interface CalendarCheck {
  calendarFree: boolean;
  violations: CalendarViolation[];
}

export interface CalendarRepairResult {
  /** Calendar-free and no slice lost butterfly-freeness. */
  ok: boolean;
  slices: TimedSlice[];
  /** Change of ATM total variance w(0) the repair made to each slice (0 where none). */
  lifts: Float64Array;
}

export interface EssviSliceInput {
  time: number;
  k: Float64Array;
  w: Float64Array;
  weights?: Float64Array;
}

export interface EssviSliceFit {
  time: number;
  /** ATM total variance. */
  theta: number;
  rho: number;
  /** θ·φ(θ). */
  psi: number;
  /** RMSE in vol points (1.0 = 0.01 vol). */
  rmseVol: number;
}

export interface EssviFitResult {
  status: string;
  slices: EssviSliceFit[];
  rmseVol: number;
  iterations: number;
  arbitrageFree: boolean;
  /** Index of the offending slice for "unsorted" / "slice_invalid", else −1. */
  failingIndex: number;
}

/** Smile metrics (decimals; NaN where a delta is not attained). ATM = ATMF (k = 0). */
export interface SmileMetrics {
  atmVol: number;
  /** dσ/dk at k = 0. */
  skew: number;
  vol25c: number;
  vol25p: number;
  vol10c: number;
  vol10p: number;
  rr25: number;
  bf25: number;
  rr10: number;
  bf10: number;
}

export interface MetricsOptions {
  /** Default "premium-adjusted" (coin-margined venues such as Deribit). */
  deltaConvention?: 'forward' | 'premium-adjusted';
}

export declare const METRICS_FIELDS: readonly (keyof SmileMetrics)[];
export declare const ESSVI_STATUSES: Readonly<Record<number, string>>;
export declare const ABI_VERSION: number;
export declare const REQUIRED_EXPORTS: readonly string[];
export declare const OPTIONAL_EXPORTS: readonly string[];
export declare const IV_REASONS: readonly string[];
export declare const FIT_STATUSES: Readonly<Record<number, string>>;
export declare const FIT_OUT_LEN: number;
export declare const GREEKS_FIELDS: readonly (keyof Greeks)[];

export declare class SviCoreError extends Error {
  readonly code: string;
  readonly context: Readonly<Record<string, unknown>>;
}

/** One loaded module; the module-level functions below delegate to the one init() loaded. */
export declare class SviCore {
  moduleInfo(): ModuleInfo;
  black76(forward: number, strike: number, time: number, vol: number, isCall: boolean): number;
  black76s(input: PricingInput, out?: Float64Array): Float64Array;
  impliedVol(price: number, forward: number, strike: number, time: number, isCall: boolean): number;
  impliedVols(input: IvInput, out?: Float64Array): Float64Array;
  impliedVolsDetailed(input: IvInput): IvDetailed;
  impliedVolInverse(coinPrice: number, forward: number, strike: number, time: number, isCall: boolean): number;
  impliedVolsInverse(input: IvInput, out?: Float64Array): Float64Array;
  impliedVolsInverseDetailed(input: IvInput): IvDetailed;
  greeks(input: PricingInput, options?: GreeksOptions): Greeks;
  ivUpdateCoinHeld(input: CoinHeldUpdateInput): CoinHeldUpdate;
  fitSviSlice(input: SviSliceInput): SviFitResult;
  sviG(params: SviParams, k: Float64Array, out?: Float64Array): Float64Array;
  sviW(params: SviParams, k: Float64Array, out?: Float64Array): Float64Array;
  sviGjRepair(params: SviParams, time: number): SviParams | null;
  checkCalendar(slices: readonly TimedSlice[]): CalendarCheck;
  repairCalendar(slices: readonly TimedSlice[]): CalendarRepairResult;
  fitEssvi(slices: readonly EssviSliceInput[]): EssviFitResult;
  surfaceMetrics(slices: readonly TimedSlice[], options?: MetricsOptions): SmileMetrics[];
  tenorMetrics(slices: readonly TimedSlice[], tenors: ArrayLike<number>, options?: MetricsOptions): SmileMetrics[];
}

export declare function init(options?: InitOptions): Promise<void>;
export declare function initSync(source: WasmBytes | WasmModule, label?: string): void;
export declare function load(options?: InitOptions): Promise<SviCore>;
export declare function isInitialised(): boolean;

export declare function moduleInfo(): ModuleInfo;
export declare function black76(forward: number, strike: number, time: number, vol: number, isCall: boolean): number;
export declare function black76s(input: PricingInput, out?: Float64Array): Float64Array;
export declare function impliedVol(price: number, forward: number, strike: number, time: number, isCall: boolean): number;
export declare function impliedVols(input: IvInput, out?: Float64Array): Float64Array;
export declare function impliedVolsDetailed(input: IvInput): IvDetailed;
export declare function impliedVolInverse(
  coinPrice: number,
  forward: number,
  strike: number,
  time: number,
  isCall: boolean,
): number;
export declare function impliedVolsInverse(input: IvInput, out?: Float64Array): Float64Array;
export declare function impliedVolsInverseDetailed(input: IvInput): IvDetailed;
export declare function greeks(input: PricingInput, options?: GreeksOptions): Greeks;
export declare function ivUpdateCoinHeld(input: CoinHeldUpdateInput): CoinHeldUpdate;
export declare function fitSviSlice(input: SviSliceInput): SviFitResult;
export declare function sviG(params: SviParams, k: Float64Array, out?: Float64Array): Float64Array;
export declare function sviW(params: SviParams, k: Float64Array, out?: Float64Array): Float64Array;
export declare function sviGjRepair(params: SviParams, time: number): SviParams | null;
export declare function checkCalendar(slices: readonly TimedSlice[]): CalendarCheck;
export declare function repairCalendar(slices: readonly TimedSlice[]): CalendarRepairResult;
export declare function fitEssvi(slices: readonly EssviSliceInput[]): EssviFitResult;
export declare function surfaceMetrics(slices: readonly TimedSlice[], options?: MetricsOptions): SmileMetrics[];
export declare function tenorMetrics(
  slices: readonly TimedSlice[],
  tenors: ArrayLike<number>,
  options?: MetricsOptions,
): SmileMetrics[];
