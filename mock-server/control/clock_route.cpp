#include "control/clock_route.h"

#include <cmath>
#include <optional>
#include <string>
#include "core/errors.h"
#include "core/json.h"
#include "core/json_limits.h"
#include "core/offset_clock.h"
#include "core/units.h"

namespace harness::mock {
namespace {

using namespace std::chrono;

constexpr const char* kUsage = "Expected {\"seconds\": N} or {\"duration\": \"5m\"}.";

void reply(httplib::Response& res, const core::json& j) {
  res.status = 200;
  res.set_content(core::dump_json(j), "application/json");
}

void refuse(httplib::Response& res, int status, int code, const std::string& detail,
            std::optional<std::string> pointer = std::nullopt) {
  res.status = status;
  res.set_content(core::error_body(code, detail, std::move(pointer)), "application/json");
}

void missing_seconds(httplib::Response& res) {
  core::ErrorObject e = core::make_error_object(10004, "seconds", std::string("/seconds"));
  e.detail = std::string("The 'seconds' parameter is required. ") + kUsage;
  res.status = 422;
  res.set_content(core::error_body(e), "application/json");
}

// Seconds as JSON: a whole number when whole (660, not 660.0), else with its fraction.
core::json seconds_json(core::Duration d) {
  if (d % seconds(1) == core::Duration::zero()) return duration_cast<seconds>(d).count();
  return duration<double>(d).count();
}

core::json clock_json(const core::Clock& clock) {
  const auto* offset = dynamic_cast<const core::OffsetClock*>(&clock);
  return {{"now", core::format_rfc3339(clock.now())},
          {"offset_seconds", offset ? seconds_json(offset->offset()) : core::json(nullptr)},
          {"advanceable", core::clock_is_advanceable(clock)}};
}

const std::string& too_far_detail() {
  static const std::string detail =
      "The mock's clock can be at most " + std::to_string(duration_cast<seconds>(core::kMaxClockLead).count()) +
      " seconds (about a century) ahead of the system clock.";
  return detail;
}

// The step a POST /_mock/clock/advance body asks for, and the field that gave it ("/seconds" or
// "/duration"); nullopt after answering the refusal.
struct Step {
  core::Duration by;
  std::string pointer;
};
std::optional<Step> read_step(const httplib::Request& req, httplib::Response& res) {
  core::json j;
  if (core::parse_json_bounded(req.body, j) != core::JsonParse::Ok || !j.is_object()) {
    refuse(res, 400, 10015, std::string("The body must be a JSON object. ") + kUsage);
    return std::nullopt;
  }
  for (const auto& [key, value] : j.items()) {
    if (key != "seconds" && key != "duration") {
      refuse(res, 400, 10015, "Unknown field '" + key + "'. " + kUsage, "/" + key);
      return std::nullopt;
    }
  }
  const bool has_seconds = j.contains("seconds"), has_duration = j.contains("duration");
  if (has_seconds == has_duration) {
    if (has_seconds) refuse(res, 422, 10015, std::string("Give 'seconds' or 'duration', not both. ") + kUsage, "/duration");
    else missing_seconds(res);
    return std::nullopt;
  }
  if (has_seconds) {
    const core::json& v = j["seconds"];
    if (!v.is_number()) {
      refuse(res, 400, 10015, "'seconds' must be a number of seconds, e.g. 660.", "/seconds");
      return std::nullopt;
    }
    const double s = v.get<double>();
    if (s < 0) {
      refuse(res, 422, 10015, "The mock's clock only moves forward: 'seconds' must not be negative (got " + v.dump() + ").",
             "/seconds");
      return std::nullopt;
    }
    if (!(s <= duration<double>(core::kMaxClockLead).count())) {
      refuse(res, 422, 10015, too_far_detail() + " Got " + v.dump() + " seconds.", "/seconds");
      return std::nullopt;
    }
    return Step{core::Duration(static_cast<core::Duration::rep>(std::llround(s * 1e9))), "/seconds"};
  }
  const core::json& v = j["duration"];
  if (!v.is_string()) {
    refuse(res, 400, 10015, "'duration' must be a string such as \"90s\", \"5m\" or \"1.5h\".", "/duration");
    return std::nullopt;
  }
  const std::string text = v.get<std::string>();
  if (text.find_first_not_of(' ') != std::string::npos && text[text.find_first_not_of(' ')] == '-') {
    refuse(res, 422, 10015, "The mock's clock only moves forward: 'duration' must not be negative (got \"" + text + "\").",
           "/duration");
    return std::nullopt;
  }
  const auto d = core::parse_duration(text);
  if (!d) {
    refuse(res, 400, 10015, "'duration' \"" + text + "\" is not a duration such as \"90s\", \"5m\" or \"1.5h\".",
           "/duration");
    return std::nullopt;
  }
  if (*d > core::kMaxClockLead) {
    refuse(res, 422, 10015, too_far_detail() + " Got \"" + text + "\".", "/duration");
    return std::nullopt;
  }
  return Step{*d, "/duration"};
}

}  // namespace

void register_clock_control(const ClockRouteDeps& deps) {
  core::Clock& clock = deps.clock;
  deps.control.add("GET", "/_mock/clock", [&clock](const httplib::Request&, httplib::Response& res, const std::smatch&) {
    reply(res, {{"data", clock_json(clock)}});
  });
  deps.control.add("POST", "/_mock/clock/advance", [&clock, weak = deps.scheduled](const httplib::Request& req, httplib::Response& res,
                                                                                 const std::smatch&) {
    if (!core::clock_is_advanceable(clock)) {
      return refuse(res, 422, 10015,
                    "This mock runs on a clock its embedder supplied (MockServerOptions::clock) that cannot be "
                    "moved; give it a core::OffsetClock or a core::ManualClock to advance it over HTTP.");
    }
    const auto asked = read_step(req, res);
    if (!asked) return;
    const core::Duration by = asked->by;
    const core::TimePoint before = clock.now();
    core::ClockStep step = core::ClockStep::NotAdvanceable;
    const auto move = [&] { return (step = core::advance_clock(clock, by)) == core::ClockStep::Moved; };
    size_t fired = 0;
    // Moved under the registry's lock, then everything due fires here, before the answer.
    if (auto scheduled = weak.lock()) fired = scheduled->fire_after(move);
    else move();
    switch (step) {
      case core::ClockStep::Moved:
        break;
      case core::ClockStep::TooFar:
        return refuse(res, 422, 10015, too_far_detail(), asked->pointer);
      case core::ClockStep::Backwards:   // read_step refused these already
      case core::ClockStep::NotAdvanceable:
        return refuse(res, 422, 10015, "The mock's clock cannot be moved by " + seconds_json(by).dump() + " seconds.");
    }
    core::json data = clock_json(clock);
    data["previous"] = core::format_rfc3339(before);
    data["advanced_seconds"] = seconds_json(by);
    data["scheduled_fired"] = fired;
    reply(res, {{"data", std::move(data)}});
  });
}

}  // namespace harness::mock
