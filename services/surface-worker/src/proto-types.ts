/**
 * Init shapes of the contract messages this worker builds (plain objects accepted by `create`),
 * so the pure parts can return data without constructing messages field by field.
 */
import type { MessageInitShape } from '@bufbuild/protobuf';
import type {
  ArbitrageViolationSchema,
  ExpiryMetricsSchema,
  ExpiryVenueContributionSchema,
  FitDiagnosticsSchema,
  RiskNodeSchema,
  SmileQuoteSchema,
  TenorMetricsSchema,
  VenueContributionSchema,
  VenueDisagreementSchema,
} from '@volstream/contracts';

export type ExpiryMetricsInit = MessageInitShape<typeof ExpiryMetricsSchema>;
export type TenorMetricsInit = MessageInitShape<typeof TenorMetricsSchema>;
export type RiskNodeInit = MessageInitShape<typeof RiskNodeSchema>;
export type FitDiagnosticsInit = MessageInitShape<typeof FitDiagnosticsSchema>;
export type SmileQuoteInit = MessageInitShape<typeof SmileQuoteSchema>;
export type ArbitrageViolationInit = MessageInitShape<typeof ArbitrageViolationSchema>;
export type VenueContributionInit = MessageInitShape<typeof VenueContributionSchema>;
export type ExpiryVenueContributionInit = MessageInitShape<typeof ExpiryVenueContributionSchema>;
export type VenueDisagreementInit = MessageInitShape<typeof VenueDisagreementSchema>;
