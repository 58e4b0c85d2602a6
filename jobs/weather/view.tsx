import { Facts, defineJobView, formatNumber, formatTime, type FactRow } from '../../web/src/job-view-kit.js';
import type contract from './contract.js';

export default defineJobView<typeof contract>(({ output, input }) => {
  const unit = output.temperature_unit ?? (input.units === 'imperial' ? 'F' : 'C');
  const rows: FactRow[] = [
    ['Humidity', `${formatNumber(output.humidity_pct, 0)} %`],
    ['Wind', `${formatNumber(output.wind_kph, 1)} km/h`],
  ];
  if (output.location) rows.unshift(['Location', `${output.location.name}, ${output.location.country_code}`]);
  if (output.observed_at) rows.push(['Observed', formatTime(output.observed_at)]);
  return (
    <>
      <p className="headline">
        <span className="headline-figure">
          {formatNumber(output.temperature, 1)} °{unit}
        </span>{' '}
        <span>{output.condition}</span>
      </p>
      <Facts rows={rows} />
    </>
  );
});
