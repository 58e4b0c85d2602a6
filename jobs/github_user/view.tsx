import { Facts, defineJobView, formatNumber, formatTime } from '../../web/src/job-view-kit.js';
import type contract from './contract.js';

export default defineJobView<typeof contract>(({ output }) => (
  <>
    <p className="headline">
      {output.name ?? output.login} <span className="muted">@{output.login}</span>
    </p>
    <Facts
      rows={[
        ['Public repos', formatNumber(output.public_repos)],
        ['Followers', formatNumber(output.followers)],
        ['Following', formatNumber(output.following)],
        ['Joined', formatTime(output.created_at)],
        [
          'Profile',
          <a key="profile" href={output.html_url} target="_blank" rel="noreferrer">
            {output.html_url}
          </a>,
        ],
      ]}
    />
  </>
));
