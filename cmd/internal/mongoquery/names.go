package mongoquery

import "strings"

func set(words string) map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// stages are the aggregation stages of the MongoDB manual (8.x), including
// Atlas-only and diagnostic ones.
var stages = set(`
$addFields $bucket $bucketAuto $changeStream $changeStreamSplitLargeEvent
$collStats $count $currentOp $densify $documents $facet $fill $geoNear
$graphLookup $group $indexStats $limit $listClusterCatalog $listLocalSessions
$listSampledQueries $listSearchIndexes $listSessions $lookup $match $merge $out
$planCacheStats $project $querySettings $queryStats $rankFusion $redact
$replaceRoot $replaceWith $sample $score $scoreFusion $search $searchMeta $set
$setWindowFields $shardedDataDistribution $skip $sort $sortByCount $unionWith
$unset $unwind $vectorSearch
`)

// operators are the query, projection, update, expression, accumulator and
// window operators of the MongoDB manual (8.x).
var operators = set(`
$eq $gt $gte $in $lt $lte $ne $nin $and $not $nor $or $exists $type $expr
$jsonSchema $mod $regex $options $text $search $language $caseSensitive
$diacriticSensitive $where $geoIntersects $geoWithin $near $nearSphere $box
$center $centerSphere $geometry $maxDistance $minDistance $polygon $uniqueDocs
$crs $all $elemMatch $size $bitsAllClear $bitsAllSet $bitsAnyClear $bitsAnySet
$comment $rand $natural $meta $slice $sampleRate

$currentDate $inc $min $max $mul $rename $set $setOnInsert $unset $addToSet
$pop $pull $push $pullAll $each $position $sort $bit $isolated $atomic

$abs $add $ceil $divide $exp $floor $ln $log $log10 $multiply $pow $round
$sqrt $subtract $trunc $arrayElemAt $arrayToObject $concatArrays $filter
$first $firstN $indexOfArray $isArray $last $lastN $map $maxN $minN
$objectToArray $range $reduce $reverseArray $sortArray $zip $cmp $cond
$ifNull $switch $dateAdd $dateDiff $dateFromParts $dateFromString
$dateSubtract $dateToParts $dateToString $dateTrunc $dayOfMonth $dayOfWeek
$dayOfYear $hour $isoDayOfWeek $isoWeek $isoWeekYear $millisecond $minute
$month $second $toDate $week $year $literal $getField $setField $unsetField
$mergeObjects $allElementsTrue $anyElementTrue $setDifference $setEquals
$setIntersection $setIsSubset $setUnion $concat $indexOfBytes $indexOfCP
$ltrim $regexFind $regexFindAll $regexMatch $replaceOne $replaceAll $rtrim
$split $strLenBytes $strLenCP $strcasecmp $substr $substrBytes $substrCP
$toLower $toString $trim $toUpper $sin $cos $tan $asin $acos $atan $atan2
$asinh $acosh $atanh $sinh $cosh $tanh $degreesToRadians $radiansToDegrees
$convert $isNumber $toBool $toDecimal $toDouble $toInt $toLong $toObjectId
$toUUID $toHashedIndexKey $let $function $accumulator $binarySize $bsonSize
$bitAnd $bitOr $bitXor $bitNot $tsIncrement $tsSecond $median $percentile
$createObjectId $hash $hexHash $sigmoid $minMaxScaler

$avg $sum $stdDevPop $stdDevSamp $count $bottom $bottomN $top $topN
$covariancePop $covarianceSamp $denseRank $derivative $documentNumber
$expMovingAvg $integral $linearFill $locf $rank $shift
`)

// unsafeNames write data or run server-side JavaScript.
var unsafeNames = set(`$out $merge $where $function $accumulator`)

// extJSON are the keys of MongoDB Extended JSON values; an object made of
// them is a literal, not an operator.
var extJSON = set(`
$date $oid $numberLong $numberInt $numberDouble $numberDecimal $binary
$timestamp $regularExpression $symbol $code $scope $minKey $maxKey $undefined
$dbPointer $uuid $ref $id $db
`)

// readOperations are collection methods that only read.
var readOperations = set(`
find findOne aggregate countDocuments estimatedDocumentCount count distinct
watch getIndexes getIndexKeys getIndexSpecs stats dataSize storageSize
totalSize totalIndexSize isCapped latencyStats getShardDistribution
getSearchIndexes analyzeShardKey
`)

// writeOperations are collection methods that change data or the server.
var writeOperations = set(`
insertOne insertMany insert save updateOne updateMany update replaceOne
deleteOne deleteMany remove findOneAndUpdate findOneAndReplace
findOneAndDelete findAndModify bulkWrite initializeOrderedBulkOp
initializeUnorderedBulkOp createIndex createIndexes ensureIndex dropIndex
dropIndexes drop renameCollection mapReduce reIndex hideIndex unhideIndex
createSearchIndex createSearchIndexes dropSearchIndex updateSearchIndex
compactStructuredEncryptionData validate configureQueryAnalyzer
`)

// dbReadMethods are methods of db itself that only read.
var dbReadMethods = set(`
aggregate getCollectionNames getCollectionInfos listCollections stats
currentOp serverStatus version hostInfo getName getUsers getUser getRoles
getRole getProfilingStatus getProfilingLevel getLogComponents isMaster hello
getReplicationInfo printCollectionStats printReplicationInfo
printSecondaryReplicationInfo serverBuildInfo serverCmdLineOpts
commandHelp listCommands getMongo getSiblingDB getCollection runCommand
adminCommand
`)

// dbWriteMethods are methods of db itself that change data or the server.
var dbWriteMethods = set(`
dropDatabase createCollection createView eval createUser dropUser
dropAllUsers updateUser grantRolesToUser revokeRolesFromUser createRole
dropRole killOp shutdownServer fsyncLock fsyncUnlock setProfilingLevel
setLogLevel repairDatabase copyDatabase cloneDatabase
`)

// writeCommands are the database commands, as runCommand and adminCommand
// take them, that change data or the server.
var writeCommands = set(`
insert update delete findAndModify drop dropDatabase create createIndexes
dropIndexes deleteIndexes renameCollection collMod convertToCapped
cloneCollectionAsCapped compact reIndex mapReduce applyOps eval shutdown
killOp killSessions killAllSessions killAllSessionsByPattern fsync
fsyncUnlock setParameter setFeatureCompatibilityVersion profile logRotate
createUser updateUser dropUser dropAllUsersFromDatabase grantRolesToUser
revokeRolesFromUser createRole updateRole dropRole dropAllRolesFromDatabase
grantPrivilegesToRole revokePrivilegesFromRole grantRolesToRole
revokeRolesFromRole replSetReconfig replSetStepDown replSetFreeze
replSetInitiate enableSharding shardCollection addShard removeShard
moveChunk movePrimary refineCollectionShardKey planCacheClear
planCacheClearFilters planCacheSetFilter createSearchIndexes
dropSearchIndex updateSearchIndex
`)

// modifiers are cursor methods that may follow a query.
var modifiers = set(`
sort limit skip project projection count size itcount toArray pretty forEach
map explain hint collation batchSize maxTimeMS maxAwaitTimeMS comment
readConcern readPref allowDiskUse min max returnKey showRecordId
noCursorTimeout tailable allowPartialResults addOption hasNext next close
isExhausted objsLeftInBatch tryNext length toString then filter
`)

// commands map the database commands a JSON answer may be written as to the
// operation they run.
var commands = map[string]string{
	"find": "find", "aggregate": "aggregate", "count": "count", "distinct": "distinct",
	"insert": "insert", "update": "update", "delete": "delete", "findAndModify": "findAndModify",
	"drop": "drop", "createIndexes": "createIndexes", "dropIndexes": "dropIndexes",
	"mapReduce": "mapReduce",
}

// commandFields are the other fields of those commands.
var commandFields = set(`
filter projection sort limit skip pipeline cursor query key hint batchSize
maxTimeMS comment collation let allowDiskUse readConcern writeConcern explain
$db $readPreference singleBatch returnKey showRecordId min max noCursorTimeout
tailable awaitData allowPartialResults bypassDocumentValidation updates
deletes documents ordered new fields upsert remove update arrayFilters
indexes index map reduce out finalize scope jsMode verbose
`)

// wrapperFields are the other keys a {"type": …} wrapper may have.
var wrapperFields = set(`
filter query projection fields pipeline sort limit skip options update
document documents field key hint collection coll collectionName database db
`)

// wrapperTypeKeys are the keys that name the operation of a wrapper.
var wrapperTypeKeys = []string{"type", "operation", "op", "method", "action"}
