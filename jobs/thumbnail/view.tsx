import { Facts, defineJobView, formatNumber } from '../../web/src/job-view-kit.js';
import type contract from './contract.js';

const size = (image: { width: number; height: number; format: string; bytes: number }) =>
  `${image.width} × ${image.height} px ${image.format}, ${formatNumber(image.bytes)} bytes`;

export default defineJobView<typeof contract>(({ output }) => (
  <>
    <p className="headline">
      <img
        src={`data:image/${output.format};base64,${output.thumbnail_base64}`}
        alt={`The thumbnail, ${output.width} × ${output.height} pixels`}
        width={output.width}
        height={output.height}
        style={{ maxWidth: '100%', height: 'auto' }}
      />
    </p>
    <Facts
      rows={[
        ['Thumbnail', size(output)],
        ['Original', size(output.original)],
      ]}
    />
  </>
));
