//! volstream quant core: normal distribution functions, undiscounted Black-76, implied
//! volatility by Jäckel's "Let's Be Rational", greeks, inverse (coin-quoted) option helpers, and
//! the SVI/eSSVI surface code. Plain std Rust, no dependencies, compatible with rustc 1.63 so the
//! same sources build natively (cargo) and for wasm32 (Debian rustc, see build-wasm.sh).

pub mod abi;
pub mod black;
pub mod greeks;
pub mod inverse;
pub mod lbr;
mod lbr_guess;
pub mod normal;
pub mod calendar;
mod calendar_repair;
pub mod essvi;
pub mod essvi_fit;
pub mod jump_wings;
pub mod metrics;
pub mod nelder_mead;
pub mod svi;
pub mod svi_fit;
pub mod svi_fit_inner;
pub mod tenors;
mod svi_fit_repair;
