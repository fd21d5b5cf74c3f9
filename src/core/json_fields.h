// Internal helpers for the wire-model converters: read optional and defaulted fields with the
// wire's null conventions, and field tables from which a type's to_json, from_json and
// operator== are derived, so that each field is named once. Not part of the public API of core.
#pragma once
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include "core/json.h"

namespace harness::core::detail {

// Missing or null -> nullopt; present -> converted (throws nlohmann type_error on a wrong type,
// which callers catch at their parse boundary).
template <class T>
void read_opt(const json& j, const char* key, std::optional<T>& out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) out.reset();
  else out = it->template get<T>();
}

// Missing or null -> keep the member's default; present -> converted.
template <class T>
void read_or_keep(const json& j, const char* key, T& out) {
  auto it = j.find(key);
  if (it != j.end() && !it->is_null()) out = it->template get<T>();
}

// How a field travels.
enum class FieldKind {
  Plain,      // always written (an empty optional as null); missing or null reads as the default
              // (nullopt for an optional)
  Required,   // always written; missing on input throws (nlohmann out_of_range)
  Omitted,    // an optional left off the wire while unset (the spec types it as a plain value)
};

inline constexpr FieldKind kRequired = FieldKind::Required;
inline constexpr FieldKind kOmitted = FieldKind::Omitted;

// One member of T on the wire: its key, the member and how it travels.
template <class T, class M>
struct Field {
  const char* key;
  M T::*member;
  FieldKind kind;
};

template <class T, class M>
constexpr Field<T, M> wire(const char* key, M T::*member, FieldKind kind = FieldKind::Plain) {
  return {key, member, kind};
}

template <class M>
struct is_optional : std::false_type {};
template <class M>
struct is_optional<std::optional<M>> : std::true_type {};

template <class T, class M>
void write_field(json& j, const T& v, const Field<T, M>& f) {
  const M& m = v.*f.member;
  if constexpr (is_optional<M>::value) {
    if (f.kind == FieldKind::Omitted && !m) return;
  }
  j[f.key] = m;
}

template <class T, class M>
void read_field(const json& j, T& v, const Field<T, M>& f) {
  M& m = v.*f.member;
  if (f.kind == FieldKind::Required) {
    m = j.at(f.key).template get<M>();
  } else if constexpr (is_optional<M>::value) {
    read_opt(j, f.key, m);
  } else {
    read_or_keep(j, f.key, m);
  }
}

// Sets every field of the table in `j` (made an object first when it is not one).
template <class T, class... M>
void write_fields(json& j, const T& v, const std::tuple<Field<T, M>...>& fields) {
  if (!j.is_object()) j = json::object();
  std::apply([&](const auto&... f) { (write_field(j, v, f), ...); }, fields);
}

// Reads every field of the table from `j`, in table order.
template <class T, class... M>
void read_fields(const json& j, T& v, const std::tuple<Field<T, M>...>& fields) {
  std::apply([&](const auto&... f) { (read_field(j, v, f), ...); }, fields);
}

// A new object holding the table's fields of `v`.
template <class T, class... M>
json to_object(const T& v, const std::tuple<Field<T, M>...>& fields) {
  json j = json::object();
  write_fields(j, v, fields);
  return j;
}

// A T with its defaults, then the table's fields read from `j`.
template <class T, class... M>
T from_object(const json& j, const std::tuple<Field<T, M>...>& fields) {
  T v{};
  read_fields(j, v, fields);
  return v;
}

// Whether every field of the table is equal in `a` and `b`.
template <class T, class... M>
bool equal_fields(const T& a, const T& b, const std::tuple<Field<T, M>...>& fields) {
  return std::apply([&](const auto&... f) { return (true && ... && (a.*(f.member) == b.*(f.member))); }, fields);
}

}  // namespace harness::core::detail
