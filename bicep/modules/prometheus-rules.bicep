// dtq's alert rules in Azure Monitor managed Prometheus. Managed Prometheus evaluates rule groups
// (ARM resources), not PrometheusRule objects in the cluster, so the rules of
// ops/prometheus/alert-rules.yml are rendered to ../generated/prometheus-rule-groups.json by
// scripts/render-monitoring-manifests.ts (a test fails when that file is stale).
param baseName string
param location string
param tags object
param prometheusWorkspaceId string
param clusterName string
@description('Alert e-mails go here; empty: alerts fire in Azure Monitor without notifications')
param alertEmailAddress string

var rendered = loadJsonContent('../generated/prometheus-rule-groups.json')

resource notify 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmailAddress)) {
  name: 'ag-${baseName}'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'dtq-alerts'
    enabled: true
    emailReceivers: [{ name: 'dtq-oncall', emailAddress: alertEmailAddress, useCommonAlertSchema: true }]
  }
}

var actions = empty(alertEmailAddress) ? [] : [{ actionGroupId: notify.id }]

@description('The action group every dtq alert notifies (api-alerts.bicep too); empty without an alert e-mail address')
output actionGroupId string = empty(alertEmailAddress) ? '' : notify.id

resource groups 'Microsoft.AlertsManagement/prometheusRuleGroups@2023-03-01' = [
  for group in rendered.groups: {
    name: '${baseName}-${group.name}'
    location: location
    tags: tags
    properties: {
      description: 'dtq rules from ${rendered.source}, group ${group.name}'
      enabled: true
      clusterName: clusterName
      scopes: [prometheusWorkspaceId]
      interval: group.interval
      rules: map(group.rules, rule => contains(rule, 'alert') ? union(rule, { actions: actions }) : rule)
    }
  }
]
