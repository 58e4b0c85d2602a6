// The API's alerts, on its Application Insights data. The Functions instances come and go and
// nothing scrapes them, so the Prometheus rules on dtq_api_* (ops/prometheus/alert-rules.yml) can
// only fire where the fallback host is scraped; on Azure these log search alerts
// (learn.microsoft.com/azure/azure-monitor/alerts/alerts-create-log-alert-rule) watch the same
// three things, with the thresholds of those rules, and notify the same action group.
// Request names are the Functions' names (api/route-table.ts; a test checks them).
param baseName string
param location string
param tags object
@description('Application Insights of the Function App: its requests table')
param appInsightsId string
@description('The Log Analytics workspace behind Application Insights and Container Insights')
param logAnalyticsWorkspaceId string
@description('k8s/base/namespace.yaml: where the worker logs come from')
param namespace string
@description('prometheus-rules.bicep actionGroupId; empty: alerts fire without notifications')
param actionGroupId string

var actions = { actionGroups: empty(actionGroupId) ? [] : [actionGroupId] }

// DtqApiHighErrorRate: more than 5% of requests answered 5xx, for 5 minutes.
resource serverErrors 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${baseName}-api-5xx-ratio'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'DtqApiHighErrorRate (Application Insights)'
    description: 'More than 5% of API requests failed with a 5xx status for 5 minutes. Runbook: ops/prometheus/alert-rules.yml DtqApiHighErrorRate.'
    severity: 0
    enabled: true
    scopes: [appInsightsId]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    criteria: {
      allOf: [
        {
          query: '''
requests
| summarize total = count(), failed = countif(toint(resultCode) >= 500)
| where total >= 20
| extend ratio = todouble(failed) / todouble(total)
'''
          timeAggregation: 'Maximum'
          metricMeasureColumn: 'ratio'
          operator: 'GreaterThan'
          threshold: json('0.05')
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    autoMitigate: true
    actions: actions
  }
}

// DtqProgressRpcTimeoutsRising: more than 5% of status requests end in 504 (no progress reply in time).
// The resource keeps its name: renaming it would leave the old rule behind in a deployed group.
resource statusTimeouts 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${baseName}-api-status-timeouts'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'DtqProgressRpcTimeoutsRising (Application Insights)'
    description: 'More than 5% of status requests got no progress reply in time (504) for 10 minutes. Runbook: ops/prometheus/alert-rules.yml DtqProgressRpcTimeoutsRising.'
    severity: 2
    enabled: true
    scopes: [appInsightsId]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT10M'
    criteria: {
      allOf: [
        {
          query: '''
requests
| where name == 'job-status-get'
| summarize total = count(), timeouts = countif(resultCode == '504')
| where timeouts >= 60
| extend ratio = todouble(timeouts) / todouble(total)
'''
          timeAggregation: 'Maximum'
          metricMeasureColumn: 'ratio'
          operator: 'GreaterThan'
          threshold: json('0.05')
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    autoMitigate: true
    actions: actions
  }
}

// DtqNoThroughputWhileJobsQueue: the API accepted jobs while no worker finished any. Submits are the
// API's 202s (AppRequests); finished jobs are the worker's 'job finished' log lines (ContainerLogV2,
// Container Insights), both in the workspace, so this rule is scoped to it.
resource noThroughput 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${baseName}-jobs-not-processed'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'DtqNoThroughputWhileJobsQueue (Application Insights + Container Insights)'
    description: 'Jobs were submitted in the last 10 minutes while no worker finished any, for 10 minutes. Runbook: ops/prometheus/alert-rules.yml DtqNoThroughputWhileJobsQueue.'
    severity: 0
    enabled: true
    scopes: [logAnalyticsWorkspaceId]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT10M'
    criteria: {
      allOf: [
        {
          // Multi-line strings take no interpolation: the namespace goes in with replace().
          query: replace('''
let submitted = toscalar(AppRequests | where Name == 'jobs-post' and ResultCode == '202' | count);
let processed = toscalar(ContainerLogV2
  | where PodNamespace == '{namespace}' and ContainerName == 'worker'
  | where tostring(LogMessage.msg) == 'job finished'
  | count);
print submitted = submitted, processed = processed
| where submitted > 0 and processed == 0
''', '{namespace}', namespace)
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: { numberOfEvaluationPeriods: 2, minFailingPeriodsToAlert: 2 }
        }
      ]
    }
    autoMitigate: true
    actions: actions
  }
}
