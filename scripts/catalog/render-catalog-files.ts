import { DEFAULT_TOPIC_TEMPLATE, JOB_TYPES } from '../../contracts/index.js';
import { jobTopics } from '../../core/domain/index.js';

/** The command that rewrites the files below; stale-file errors quote it. */
export const CATALOG_RENDER_COMMAND = 'npm run catalog:render';

const GENERATED = `generated from jobs/catalog.ts by \`${CATALOG_RENDER_COMMAND}\`; do not edit`;

/** KEDA scales the worker on consumer-group lag: one trigger per job topic, every priority's (it takes the largest). */
function kedaScaledObject(): string {
  const trigger = (topic: string) => `    - type: kafka
      metadata:
        bootstrapServers: set-by-azure-values.invalid:9093
        consumerGroup: dtq-worker
        topic: ${topic}
        lagThreshold: "20"
        offsetResetPolicy: earliest
        sasl: plaintext
        tls: enable
      authenticationRef:
        name: dtq-eventhubs-kafka
`;
  return `# ${GENERATED}.
# Scales the worker on consumer-group lag, one trigger per job topic, each job type's high, normal
# and low topics alike (KEDA takes the largest).
# minReplicaCount 1: the worker is also the progress responder (status requests need one), and
# the CSI-synced Secrets exist only while a pod mounts them. More replicas than partitions would
# sit idle, so overlays keep maxReplicaCount <= KAFKA_TOPIC_PARTITIONS.
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: dtq-worker
spec:
  scaleTargetRef:
    name: dtq-worker
  minReplicaCount: 1
  maxReplicaCount: 3
  pollingInterval: 15
  cooldownPeriod: 300
  advanced:
    horizontalPodAutoscalerConfig:
      behavior:
        scaleDown:
          stabilizationWindowSeconds: 120
  triggers:
${jobTopics(DEFAULT_TOPIC_TEMPLATE).map(trigger).join('')}`;
}

/** Every file derived from the job catalog outside contracts/ (whose JSON Schema has its own command), by path. */
export function renderCatalogFiles(): Record<string, string> {
  return {
    'k8s/base/worker/keda-scaled-object.yaml': kedaScaledObject(),
    // Bicep reads it with loadJsonContent: one Event Hub (Kafka topic) per job type and priority.
    'bicep/generated/job-types.json': `${JSON.stringify(JOB_TYPES, null, 2)}\n`,
  };
}
