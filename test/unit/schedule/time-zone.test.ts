import { strict as assert } from 'node:assert';
import { timeZoneProblem } from '../../../src/schedule/time-zone.js';

describe('timeZoneProblem: IANA names only', () => {
  it('accepts tz database names', () => {
    for (const zone of ['Europe/Paris', 'Etc/UTC', 'UTC', 'America/Argentina/Buenos_Aires'])
      assert.equal(timeZoneProblem(zone), undefined, zone);
  });

  it('refuses an unknown name, with the closest known one', () => {
    assert.equal(
      timeZoneProblem('Europe/Pariss'),
      '"Europe/Pariss" is not an IANA time zone name: use a tz database name such as "Europe/Paris" or "Etc/UTC"; did you mean "Europe/Paris"?',
    );
    assert.equal(
      timeZoneProblem('Mars/Olympus'),
      '"Mars/Olympus" is not an IANA time zone name: use a tz database name such as "Europe/Paris" or "Etc/UTC"',
    );
  });

  it('refuses offsets, which Intl reads but the tz database does not name', () => {
    assert.match(timeZoneProblem('+01:00') ?? '', /^"\+01:00" is not an IANA time zone name/);
  });

  it('asks for the case the tz database writes', () => {
    assert.equal(
      timeZoneProblem('europe/paris'),
      '"europe/paris" must be written as the tz database writes it: "Europe/Paris"',
    );
  });
});
