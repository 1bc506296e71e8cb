#!/bin/sh
# examples/invoices.sh - the lecture's invoice stream: nested point-of-sale
# invoices (a DeliveryAddress struct and an InvoiceLineItems array) flattened
# into one record per line item with explode(), written to per-batch JSON
# files and to a SQLite table, exactly once, by a job run from cron with
# trigger once / available-now.
#
#   sh examples/invoices.sh
. "$(dirname "$0")/common.sh"
mkdir in
cp "$DATA/invoices/invoices-1.json" in/

# Spark:
#   explode_df = invoice_df.selectExpr("InvoiceNumber", "CreatedTime", "StoreID",
#       "PosID", "CustomerType", "PaymentMethod", "DeliveryType",
#       "DeliveryAddress.City", "DeliveryAddress.State", "DeliveryAddress.PinCode",
#       "explode(InvoiceLineItems) as LineItem")
#   flattened_df = explode_df.withColumn("ItemCode", expr("LineItem.ItemCode")) ...
#       .drop("LineItem")
#   invoice_writer_query = flattened_df.writeStream.format("json")
#       .option("path", "output").option("checkpointLocation", "chk-point-dir")
#       .outputMode("append").trigger(once=True).start()
job() {
	st-read --checkpoint ck --trigger once --wait in/ |
	st-select 'InvoiceNumber, CreatedTime, StoreID, PosID, CustomerType,
	    PaymentMethod, DeliveryType, DeliveryAddress.City, DeliveryAddress.State,
	    DeliveryAddress.PinCode, explode(InvoiceLineItems) AS LineItem' |
	st-select '* EXCEPT (LineItem)' \
	    'LineItem.ItemCode, LineItem.ItemDescription, LineItem.ItemPrice,
	    LineItem.ItemQty, LineItem.TotalValue' |
	st-sink --checkpoint ck --format json --path output
}

step "The job, as a cron entry would run it (every minute; --wait makes a run
   that overlaps the previous one wait for it instead of exiting):" \
"* * * * * cd /srv/invoices && sh job.sh   # job.sh: st-read --checkpoint ck --trigger once --wait in/ | ... | st-sink --checkpoint ck --format json --path output"
job
echo "   output/ after the first run:"
ls output | sed 's/^/     /'
jq -c '{InvoiceNumber, City, ItemCode, ItemQty, TotalValue}' output/part-00000.json | sed 's/^/     /'

step "A second file arrives; the next cron run writes only its line items" ""
cp "$DATA/invoices/invoices-2.json" in/
job
ls output | sed 's/^/     /'
last=$(ls output | tail -n 1)
echo "   $last:"
jq -c '{InvoiceNumber, City, ItemCode, ItemQty, TotalValue}' "output/$last" | sed 's/^/     /'

step "A run with nothing new writes nothing" ""
job
ls output | sed 's/^/     /'

step "The same flattened stream into SQLite, one transaction per batch" \
"... | st-sink --checkpoint ck2 --format sqlite --path invoices.db --table line_items"
st-read --checkpoint ck2 --trigger available-now in/ |
st-select 'InvoiceNumber, DeliveryAddress.City, explode(InvoiceLineItems) AS LineItem' |
st-select 'InvoiceNumber, City, LineItem.ItemCode, LineItem.TotalValue' |
st-sink --checkpoint ck2 --format sqlite --path invoices.db --table line_items
sqlite3 -header -column invoices.db \
    'SELECT City, count(*) AS items, sum(TotalValue) AS value FROM line_items GROUP BY 1 ORDER BY 1' |
    sed 's/^/   /'
