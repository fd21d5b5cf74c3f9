// JSON Schemas (draft-07, for Ajv) of every response telnyx-mock serves on the messaging surface,
// written for this project from Telnyx's published contract (the OpenAPI spec's response types,
// as the official SDK declares them, and docs/telnyx-contract.md). They are strict on purpose:
// every object lists its fields exhaustively (additionalProperties: false), `required` names every
// field the mock always writes, nullability and enums are the spec's. A field the spec declares
// optional and the mock omits while unset (e.g. a number order's billing_group_id) is optional
// here; when present it must have the declared type.

const str = { type: 'string' };
const nstr = { type: ['string', 'null'] };
const bool = { type: 'boolean' };
const int = { type: 'integer' };
const num = { type: 'number' };
const uuid = { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' };
const numericId = { type: 'string', pattern: '^[0-9]+$' };
const e164 = { type: 'string', pattern: '^\\+[1-9][0-9]{7,14}$' };
const timestamp = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$' };
const ntimestamp = { anyOf: [timestamp, { type: 'null' }] };
const oneOf = (...values) => ({ enum: values });
const nullable = (schema) => ({ anyOf: [schema, { type: 'null' }] });
const arrayOf = (items, extra = {}) => ({ type: 'array', items, ...extra });

// obj(required, optional): an object with exactly these fields.
function obj(required, optional = {}) {
  return {
    type: 'object',
    properties: { ...required, ...optional },
    required: Object.keys(required),
    additionalProperties: false,
  };
}

// ---- errors (contract §4.1) ----
export const errorObject = obj(
  { code: { type: 'string', pattern: '^[0-9]+$' }, title: str },
  {
    detail: str,
    source: { type: 'object', properties: { pointer: str, parameter: str }, additionalProperties: false, minProperties: 1 },
    meta: obj({}, { url: str }),
  },
);
export const errorEnvelope = obj({ errors: arrayOf(errorObject, { minItems: 1 }) });

// ---- envelopes ----
export const pageMeta = obj({ page_number: int, page_size: int, total_pages: int, total_results: int });
export const one = (data) => obj({ data });
export const list = (item) => obj({ data: arrayOf(item), meta: pageMeta });

// ---- messages (contract §3.2, §7.3) ----
const lineType = oneOf('Wireline', 'Wireless', 'VoWiFi', 'VoIP', 'Pre-Paid Wireless', '');
const money = obj({ amount: { type: 'string', pattern: '^[0-9]+\\.[0-9]+$' }, currency: str });
const costBreakdown = obj({ rate: money, carrier_fee: money });
const outboundStatus = oneOf('scheduled', 'queued', 'sending', 'sent', 'delivered', 'sending_failed',
  'delivery_failed', 'delivery_unconfirmed', 'expired', 'cancelled');
const inboundStatus = oneOf('queued', 'sending', 'sent', 'delivered', 'sending_failed', 'delivery_failed',
  'delivery_unconfirmed', 'webhook_delivered');
const messageCommon = {
  record_type: oneOf('message'),
  id: uuid,
  type: oneOf('SMS', 'MMS'),
  messaging_profile_id: str,
  organization_id: str,
  text: str,
  subject: nstr,
  encoding: str,
  parts: { type: 'integer', minimum: 1, maximum: 10 },
  num_chars: int,
  cost: nullable(money),
  cost_breakdown: nullable(costBreakdown),
  received_at: timestamp,
  sent_at: ntimestamp,
  completed_at: ntimestamp,
  valid_until: ntimestamp,
  errors: arrayOf(errorObject),
  tags: arrayOf(str),
  webhook_url: nstr,
  webhook_failover_url: nstr,
  tcr_campaign_billable: bool,
  tcr_campaign_id: nstr,
  tcr_campaign_registered: nstr,
};
export const outboundMessage = obj({
  ...messageCommon,
  direction: oneOf('outbound'),
  from: obj({ phone_number: str, carrier: str, line_type: lineType }),
  to: arrayOf(obj({ phone_number: str, status: outboundStatus, carrier: str, line_type: lineType }), { minItems: 1 }),
  cc: arrayOf(obj({ phone_number: str, status: outboundStatus, carrier: str, line_type: lineType })),
  media: arrayOf(obj({ url: str, content_type: nstr, sha256: nstr, size: nullable(int) })),
  smart_encoding_applied: bool,
  wait_seconds: nullable(num),
});
// DELETE /v2/messages/{id} (OutboundMessagePayloadCancelled): the message itself, not wrapped in
// `data`, and without wait_seconds.
const { wait_seconds: _unused, ...cancelledProps } = outboundMessage.properties;
export const cancelledMessage = {
  ...outboundMessage,
  properties: cancelledProps,
  required: outboundMessage.required.filter((f) => f !== 'wait_seconds'),
};
// GET /v2/messages/group/{id}: the group's messages, `data` only (no paging).
export const groupMessages = obj({ data: arrayOf(outboundMessage) });
export const inboundMessage = obj({
  ...messageCommon,
  direction: oneOf('inbound'),
  from: obj({ phone_number: str, carrier: str, line_type: lineType }, { status: oneOf('received', 'delivered') }),
  to: arrayOf(obj({ phone_number: str, status: inboundStatus, carrier: str, line_type: lineType }), { minItems: 1 }),
  cc: arrayOf(obj({ phone_number: str, status: inboundStatus, carrier: str, line_type: lineType })),
  media: arrayOf(obj({ url: str }, { content_type: str, hash_sha256: str, size: int })),
});
export const anyMessage = { anyOf: [outboundMessage, inboundMessage] };

// ---- messaging profiles (contract §8.2) ----
const numberPoolSettings = obj(
  { long_code_weight: num, toll_free_weight: num, skip_unhealthy: bool },
  { sticky_sender: nullable(bool), geomatch: nullable(bool) },
);
const urlShortenerSettings = obj({ domain: str }, { prefix: str, replace_blacklist_only: bool, send_webhooks: bool });
export const messagingProfile = obj(
  {
    record_type: oneOf('messaging_profile'),
    id: uuid,
    name: str,
    enabled: bool,
    webhook_url: nstr,
    webhook_failover_url: nstr,
    webhook_api_version: oneOf('1', '2', '2010-04-01'),
    whitelisted_destinations: arrayOf({ type: 'string', pattern: '^([A-Z]{2}|\\*)$' }),
    number_pool_settings: nullable(numberPoolSettings),
    url_shortener_settings: nullable(urlShortenerSettings),
    alpha_sender: nstr,
    daily_spend_limit_enabled: bool,
    mms_fall_back_to_sms: bool,
    mms_transcoding: bool,
    mobile_only: bool,
    smart_encoding: bool,
    redaction_enabled: bool,
    redaction_level: num,
    ai_assistant_id: nstr,
    health_webhook_url: nstr,
    resource_group_id: nstr,
    v1_secret: str,
    organization_id: str,
    created_at: timestamp,
    updated_at: timestamp,
  },
  { daily_spend_limit: { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?$' }, features: nullable({ type: 'object' }) },
);

// ---- numbers (contract §8.3) ----
const numberStatus = oneOf('purchase-pending', 'purchase-failed', 'port-pending', 'port-failed', 'active', 'deleted',
  'emergency-only', 'ported-out', 'port-out-pending', 'requirement-info-pending', 'requirement-info-under-review',
  'requirement-info-exception', 'provision-pending');
const numberType = oneOf('local', 'toll_free', 'mobile', 'national', 'shared_cost', 'landline', 'tollfree', 'shortcode',
  'longcode');
const numberSettings = {
  activated_at: ntimestamp,
  call_forwarding_enabled: bool,
  call_recording_enabled: bool,
  caller_id_name_enabled: bool,
  cnam_listing_enabled: bool,
  emergency_enabled: bool,
  emergency_status: oneOf('active', 'deprovisioning', 'disabled', 'provisioning', 'provisioning-failed'),
  hd_voice_enabled: bool,
  t38_fax_gateway_enabled: bool,
};
// What the full record and the slim one share.
const numberIdentity = {
  record_type: oneOf('phone_number'),
  id: numericId,
  phone_number: e164,
  status: numberStatus,
  phone_number_type: numberType,
  country_iso_alpha2: { type: 'string', pattern: '^[A-Z]{2}$' },
  created_at: timestamp,
  updated_at: timestamp,
  purchased_at: timestamp,
  inbound_call_screening: oneOf('disabled', 'reject_calls', 'flag_calls'),
  ...numberSettings,
};
export const phoneNumber = obj({
  ...numberIdentity,
  tags: arrayOf(str),
  external_pin: nstr,
  deletion_lock_enabled: bool,
  billing_group_id: nstr,
  connection_id: nstr,
  connection_name: nstr,
  customer_reference: nstr,
  emergency_address_id: nstr,
  messaging_campaign_id: nstr,
  messaging_profile_id: nstr,
  messaging_profile_name: nstr,
  source_type: nullable(oneOf('number_order', 'port_request')),
});

const featureSet = obj({ domestic_two_way: bool, international_inbound: bool, international_outbound: bool });
export const messagingSettings = obj({
  record_type: oneOf('messaging_settings', 'messaging_phone_number'),
  id: numericId,
  phone_number: e164,
  messaging_profile_id: nstr,
  messaging_product: str,
  eligible_messaging_products: arrayOf(str),
  traffic_type: str,
  type: oneOf('long-code', 'toll-free', 'short-code', 'longcode', 'tollfree', 'shortcode'),
  country_code: str,
  features: obj({ sms: nullable(featureSet), mms: nullable(featureSet) }),
  health: obj({ message_count: num, inbound_outbound_ratio: num, success_ratio: num, spam_ratio: num }),
  organization_id: str,
  tags: arrayOf(str),
  created_at: timestamp,
  updated_at: timestamp,
});

export const availableNumber = obj(
  {
    record_type: oneOf('available_phone_number'),
    phone_number: e164,
    best_effort: bool,
    quickship: bool,
    reservable: bool,
    region_information: arrayOf(obj({ region_type: oneOf('country_code', 'rate_center', 'state', 'location'), region_name: str })),
    cost_information: obj({ upfront_cost: str, monthly_cost: str, currency: str }),
    features: arrayOf(obj({ name: str })),
  },
  { vanity_format: str },
);
const availableMeta = obj({ total_results: int, best_effort_results: int });
export const availableList = obj({ data: arrayOf(availableNumber), meta: availableMeta, metadata: availableMeta });

const orderStatus = oneOf('pending', 'success', 'failure');
const orderNumber = obj(
  {
    record_type: oneOf('number_order_phone_number'),
    id: uuid,
    phone_number: e164,
    phone_number_type: oneOf('local', 'mobile', 'national', 'shared_cost', 'toll_free'),
    status: orderStatus,
    requirements_met: bool,
    requirements_status: oneOf('pending', 'approved', 'cancelled', 'deleted', 'requirement-info-exception',
      'requirement-info-pending', 'requirement-info-under-review'),
    regulatory_requirements: arrayOf(obj({}, { field_type: str, field_value: str, record_type: str, requirement_id: str })),
    country_code: str,
    country_iso_alpha2: { type: 'string', pattern: '^[A-Z]{2}$' },
  },
  { bundle_id: str },
);
const orderCommon = {
  record_type: oneOf('number_order'),
  id: uuid,
  status: orderStatus,
  phone_numbers_count: int,
  requirements_met: bool,
  sub_number_orders_ids: arrayOf(str),
  created_at: timestamp,
  updated_at: timestamp,
};
const orderOptional = { messaging_profile_id: str, connection_id: str, billing_group_id: str, customer_reference: str };
export const numberOrder = obj({ ...orderCommon, phone_numbers: arrayOf(orderNumber) }, orderOptional);
// List items carry the order with its numbers as {id, phone_number} only.
export const numberOrderListItem = obj(
  { ...orderCommon, phone_numbers: arrayOf(obj({ id: uuid, phone_number: e164 })) },
  orderOptional,
);

// GET /v2/phone_numbers/slim: the record without the profile, tags and nullable strings; a
// string the spec types as plain string is absent while unset.
export const phoneNumberSlim = obj(
  numberIdentity,
  { billing_group_id: str, connection_id: str, customer_reference: str, emergency_address_id: str, external_pin: str },
);

// DELETE /v2/phone_numbers/{id}: the released number (the spec lists no emergency_status there).
const { emergency_status: _omitted, ...withoutEmergencyStatus } = numberSettings;
export const phoneNumberDeleted = obj(
  {
    record_type: oneOf('phone_number'),
    id: numericId,
    phone_number: e164,
    status: oneOf('deleted'),
    phone_number_type: oneOf('local', 'toll_free', 'mobile', 'national', 'shared_cost', 'landline'),
    tags: arrayOf(str),
    deletion_lock_enabled: bool,
    created_at: timestamp,
    updated_at: timestamp,
    purchased_at: timestamp,
    ...withoutEmergencyStatus,
  },
  {
    billing_group_id: str, connection_id: str, connection_name: str, customer_reference: str,
    emergency_address_id: str, external_pin: str, messaging_profile_id: str, messaging_profile_name: str,
  },
);

// /v2/short_codes and /v2/messaging_profiles/{id}/short_codes.
export const shortCode = obj({
  record_type: oneOf('short_code'),
  id: numericId,
  short_code: { type: 'string', pattern: '^[0-9]{3,8}$' },
  country_code: { type: 'string', pattern: '^[A-Z]{2}$' },
  messaging_profile_id: nstr,
  tags: arrayOf(str),
  created_at: timestamp,
  updated_at: timestamp,
});

// /v2/alphanumeric_sender_ids and /v2/messaging_profiles/{id}/alphanumeric_sender_ids: 1 to 11
// letters, digits or spaces, at least one letter; the fallback only when one was given.
export const alphanumericSenderId = obj({
  record_type: oneOf('alphanumeric_sender_id'),
  id: uuid,
  alphanumeric_sender_id: { type: 'string', pattern: '^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$' },
  messaging_profile_id: uuid,
  organization_id: uuid,
}, { us_long_code_fallback: { type: 'string', pattern: '^\\+1[2-9][0-9]{9}$' } });

// GET /v2/messaging_optouts.
export const messagingOptout = obj({
  from: e164,
  to: str,
  keyword: nstr,
  messaging_profile_id: nstr,
  created_at: timestamp,
});

// GET /v2/messaging_profiles/{id}/metrics and GET /v2/messaging_profile_metrics: counts and ratios.
const count = { type: 'integer', minimum: 0 };
const ratio = { type: 'number', minimum: 0, maximum: 1 };
export const profileMetricsOverview = obj({
  record_type: oneOf('messaging_profile_metrics'),
  messaging_profile_id: uuid,
  phone_numbers: count,
  outbound: obj({ sent: count, delivered: count, error_ratio: ratio }),
  inbound: obj({ received: count }),
});
export const profileMetricsDetailed = obj({
  overview: profileMetricsOverview,
  detailed: arrayOf(obj({
    timestamp,
    metrics: arrayOf(obj({ label: oneOf('SMS', 'MMS'), sent: count, delivered: count, outbound_error_ratio: ratio,
      received: count })),
  })),
});

// /v2/messaging_profiles/{id}/autoresp_configs: a config; resp_text only when one was given. A
// delete answers the JSON string "OK".
export const autorespConfig = obj({
  id: uuid,
  op: oneOf('start', 'stop', 'info'),
  keywords: arrayOf({ type: 'string', minLength: 1 }, { minItems: 1 }),
  country_code: { type: 'string', pattern: '^[A-Z]{2}$' },
  created_at: timestamp,
  updated_at: timestamp,
}, { resp_text: str });
export const autorespDeleted = { const: 'OK' };
