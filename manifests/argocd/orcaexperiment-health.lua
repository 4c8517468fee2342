-- Argo CD health for orca.dev/OrcaExperiment: Healthy when the experiment succeeded, Degraded when it failed,
-- Suspended when suspended, Progressing while it runs or while the operator has not yet seen its latest spec.
local hs = {}
if obj.status == nil or obj.status.phase == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the Orca operator"
  return hs
end
if obj.metadata.generation ~= nil and obj.status.observedGeneration ~= nil
    and obj.status.observedGeneration < obj.metadata.generation then
  hs.status = "Progressing"
  hs.message = "The operator has not observed the latest spec yet"
  return hs
end
local message = ""
if obj.status.conditions ~= nil then
  for _, condition in ipairs(obj.status.conditions) do
    if condition.type == "Ready" and condition.message ~= nil then
      message = condition.message
    end
  end
end
local phase = obj.status.phase
if phase == "Succeeded" then
  hs.status = "Healthy"
elseif phase == "Failed" then
  hs.status = "Degraded"
elseif phase == "Suspended" then
  hs.status = "Suspended"
else
  hs.status = "Progressing"
end
hs.message = phase .. (message ~= "" and (": " .. message) or "")
return hs
