// Webhook signing and verification (contract §7.4, §7.5).
//  - API v2: Ed25519 over "<timestamp>|<raw body>"; headers telnyx-signature-ed25519 (base64 of
//    the 64-byte signature) and telnyx-timestamp (Unix seconds); 300 s tolerance both ways.
//  - API v1 (legacy): X-Telnyx-Signature: t=<unix>,h=<base64 HMAC-SHA256 of "<t>.<raw body>">
//    keyed by the profile secret; tolerance configurable (unconfirmed upstream).
// All comparisons of secrets are constant-time. OpenSSL 3 EVP only.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include "core/expected.h"

namespace harness::core {

constexpr int64_t kDefaultToleranceSeconds = 300;

struct Ed25519KeyPair {
  std::array<unsigned char, 32> public_key{};
  std::array<unsigned char, 32> seed{};          // the raw private key
  std::string public_key_base64() const;          // what a receiver is given
  std::string private_key_base64() const;         // raw 32-byte seed, base64
};

Ed25519KeyPair generate_ed25519();
// From a base64 32-byte seed, or a PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----"). Error text says why.
Expected<Ed25519KeyPair, std::string> load_ed25519_private(std::string_view base64_or_pem);
Expected<Ed25519KeyPair, std::string> load_ed25519_private_file(const std::string& path);
std::string private_key_pem(const Ed25519KeyPair& kp);   // PKCS#8
std::string public_key_pem(const Ed25519KeyPair& kp);    // SubjectPublicKeyInfo
// Writes PEM with mode 0600. Error text on failure.
std::optional<std::string> save_ed25519_private_file(const Ed25519KeyPair& kp, const std::string& path);

// base64 signature of "<timestamp>|<body>".
std::string sign_ed25519(const Ed25519KeyPair& kp, std::string_view timestamp, std::string_view body);

// The same signature with the OpenSSL key prepared once: sign_ed25519 rebuilds the key (and so
// re-derives the public key) on every call, about twice the work. For senders that sign every
// delivery. Copies share the prepared key; sign() is const and safe to call from many threads.
class Ed25519Signer {
 public:
  explicit Ed25519Signer(const Ed25519KeyPair& kp);
  std::string sign(std::string_view timestamp, std::string_view body) const;
  const Ed25519KeyPair& key_pair() const { return kp_; }

 private:
  struct Impl;
  Ed25519KeyPair kp_;
  std::shared_ptr<const Impl> impl_;
};

enum class VerifyStatus {
  Ok,
  MissingSignature,     // header absent or empty
  MissingTimestamp,
  BadTimestamp,         // not a plain decimal integer
  StaleTimestamp,       // older than tolerance
  FutureTimestamp,      // further ahead than tolerance
  BadSignatureEncoding, // not base64, or not 64 bytes (HMAC: not 32 bytes / malformed header)
  BadKey,               // public key not base64 or not 32 bytes
  Mismatch,             // well-formed but wrong
};
std::string_view to_string(VerifyStatus s);

VerifyStatus verify_ed25519(std::string_view public_key_base64, std::string_view signature_base64,
                            std::string_view timestamp, std::string_view body, int64_t now_unix,
                            int64_t tolerance_seconds = kDefaultToleranceSeconds);

// "t=<t>,h=<base64 HMAC-SHA256(secret, "<t>.<body>")>"
std::string hmac_signature_header(std::string_view secret, int64_t t, std::string_view body);
// tolerance nullopt: no time check (v1 tolerance is unconfirmed upstream).
VerifyStatus verify_hmac_header(std::string_view secret, std::string_view header,
                                std::string_view body, int64_t now_unix,
                                std::optional<int64_t> tolerance_seconds = kDefaultToleranceSeconds);

// Lengths may differ in time (for values of public, fixed sizes such as signatures).
bool constant_time_equal(std::string_view a, std::string_view b);

// A configured secret (the mock's admin token) checked against presented values without revealing
// its contents or its length through timing: both are reduced to HMAC-SHA256 digests under a key
// drawn at random on construction (the secret's once), and the digests are compared with
// CRYPTO_memcmp. The time a check takes depends on the presented value's length only.
class SecretMatcher {
 public:
  explicit SecretMatcher(std::string_view secret = {});
  bool empty() const { return empty_; }   // no secret configured
  // False when empty(): an unset secret matches nothing.
  bool matches(std::string_view presented) const;

 private:
  std::string key_;
  std::string digest_;
  bool empty_ = true;
};

}  // namespace harness::core
