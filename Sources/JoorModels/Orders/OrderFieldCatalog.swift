/// The order and line fields JOOR is known to send (reference notes §2.5), for checking mappings.
///
/// A mapping may still use a field not listed here (JOOR adds fields; unknown ones are kept):
/// `joorbridge check` warns about it instead of failing.
public enum OrderFieldCatalog {
    public static let orderFields: Set<String> = [
        "order_id", "order_type", "order_type_name", "order_type_code", "order_source", "order_comments",
        "order_internal_comments", "order_currency", "order_currency_retail", "order_currency_name",
        "order_discount", "order_discount_percent", "order_shipping_total", "order_total", "order_season_code",
        "order_event", "order_event_code", "order_delivery_name", "order_delivery_code", "date_created",
        "date_approved", "date_modified", "date_ship_start", "date_ship_end", "sales_representative",
        "sales_representative_code", "customer_name", "customer_code", "company_name", "company_code",
        "customer_group_name", "customer_group_code", "customer_purchase_order", "integration_purchase_order",
        "customer_buyer_name", "shipping_code", "shipping_name", "shipping_phone", "shipping_email",
        "shipping_address_1", "shipping_address_2", "shipping_city", "shipping_region", "shipping_postal_code",
        "shipping_country", "shipping_country_iso_two", "shipping_country_iso_three", "shipping_method_name",
        "shipping_method_code", "billing_code", "billing_name", "billing_phone", "billing_address_1",
        "billing_address_2", "billing_city", "billing_region", "billing_postal_code", "billing_country",
        "billing_country_iso_two", "billing_country_iso_three", "payment_method_name", "payment_method_code",
        "tax_id_label", "warehouse_name", "warehouse_code", "created_by_username", "created_by_email",
        "is_personal_order",
    ]

    public static let lineFields: Set<String> = [
        "item_name", "item_number", "item_style_id", "item_style_identifier", "item_color", "item_color_code",
        "item_color_comment", "item_size", "item_size_code", "item_upc", "item_quantity", "item_price",
        "item_retail_price", "item_unit_price", "item_price_adjustment", "item_price_extended", "item_multiplier",
        "item_comment", "item_door_id",
    ]
}
