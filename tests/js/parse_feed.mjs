// Parse an iCalendar feed with ical.js (Mozilla's parser, used by Thunderbird) and print
// what a client would see as JSON, for the Python tests to compare with their input.
// Usage: node parse_feed.mjs < feed.ics
import ICAL from "ical.js";
import { readFileSync } from "node:fs";

const text = readFileSync(0, "utf8");
const calendar = new ICAL.Component(ICAL.parse(text));

// Timed values refer to the feed's own VTIMEZONE; register it so times convert to UTC.
for (const zone of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(new ICAL.Timezone(zone));
}

function dateOnly(time) {
  return time.toString().slice(0, 10);
}

function describeTime(time) {
  if (time.isDate) {
    return { date: dateOnly(time) };
  }
  return {
    local: time.toString(),
    tzid: time.zone ? time.zone.tzid : null,
    utc: time.convertToZone(ICAL.Timezone.utcTimezone).toString(),
    utc_offset_seconds: time.utcOffset(),
  };
}

function valueType(component, name) {
  const property = component.getFirstProperty(name);
  return property ? property.type : null;
}

const events = calendar.getAllSubcomponents("vevent").map((component) => {
  const event = new ICAL.Event(component);
  return {
    uid: event.uid,
    summary: event.summary,
    description: event.description,
    url: component.getFirstPropertyValue("url"),
    start: describeTime(event.startDate),
    end: describeTime(event.endDate),
    dtstamp: component.getFirstPropertyValue("dtstamp").toString(),
    sequence: event.sequence,
    status: component.getFirstPropertyValue("status"),
    class: component.getFirstPropertyValue("class"),
    transp: component.getFirstPropertyValue("transp"),
    alarms: component.getAllSubcomponents("valarm").length,
  };
});

const head = {
  version: calendar.getFirstPropertyValue("version"),
  prodid: calendar.getFirstPropertyValue("prodid"),
  calscale: calendar.getFirstPropertyValue("calscale"),
  method: calendar.getFirstPropertyValue("method"),
  name: calendar.getFirstPropertyValue("name"),
  x_wr_calname: calendar.getFirstPropertyValue("x-wr-calname"),
  x_wr_timezone: calendar.getFirstPropertyValue("x-wr-timezone"),
  refresh_interval: String(calendar.getFirstPropertyValue("refresh-interval")),
  refresh_interval_type: valueType(calendar, "refresh-interval"),
  x_published_ttl: String(calendar.getFirstPropertyValue("x-published-ttl")),
  timezones: calendar.getAllSubcomponents("vtimezone").map((zone) => zone.getFirstPropertyValue("tzid")),
};

process.stdout.write(JSON.stringify({ calendar: head, events }, null, 1) + "\n");
