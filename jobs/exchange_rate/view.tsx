import { Facts, defineJobView, formatNumber } from '../../web/src/job-view-kit.js';
import type contract from './contract.js';

export default defineJobView<typeof contract>(({ output }) => (
  <>
    <p className="headline">
      {formatNumber(output.amount)} {output.base} = {formatNumber(output.converted)} {output.target}
    </p>
    <Facts
      rows={[
        ['Rate', `1 ${output.base} = ${formatNumber(output.rate)} ${output.target}`],
        ['Date', output.date],
      ]}
    />
  </>
));
